package io.jamesdmarc.storage.reporting;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * Every query of queries.sql against a database loaded with the shared corpus by {@code dmarc
 * import}'s importer, checked against figures computed in Java from the reports read apart from the
 * store (storage's {@link QueriesSqlContract}, with the corpus as its data set). Skipped, saying so,
 * where the corpus is absent.
 */
class CorpusQueriesSqlTest extends QueriesSqlContract {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @Override
    protected TestDatabase database() {
        return DB;
    }

    @Override
    protected ReportDataSet dataSet() {
        return new CorpusDataSet();
    }

    @Override
    protected List<ReportFilter> filters() {
        Instant year2018 = Instant.parse("2018-01-01T00:00:00Z");
        Instant year2019 = Instant.parse("2019-01-01T00:00:00Z");
        return List.of(
            ReportFilter.ALL,
            ReportFilter.ALL.withDomain("Example.COM"),
            ReportFilter.ALL.withSince(year2018).withUntil(year2019),
            ReportFilter.ALL.withDomain("example.com").withSince(year2019),
            ReportFilter.ALL.withUntil(year2018));
    }
}
