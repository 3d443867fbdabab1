package io.jamesdmarc.storage.reporting;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.storage.testing.TestDatabase;

/** queries.sql against made-up reports whose every figure is known. */
class QueriesSqlTest extends QueriesSqlContract {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @Override
    protected TestDatabase database() {
        return DB;
    }

    @Override
    protected ReportDataSet dataSet() {
        return new GeneratedDataSet(20260520L);
    }

    @Override
    protected List<ReportFilter> filters() {
        Instant since = Instant.parse("2026-05-03T00:00:00Z");
        Instant until = Instant.parse("2026-05-08T00:00:00Z");
        return List.of(
            ReportFilter.ALL,
            ReportFilter.ALL.withDomain("Example.ORG"),
            ReportFilter.ALL.withSince(since).withUntil(until),
            ReportFilter.ALL.withDomain("shop.example.net").withSince(since),
            ReportFilter.ALL.withUntil(until));
    }
}
