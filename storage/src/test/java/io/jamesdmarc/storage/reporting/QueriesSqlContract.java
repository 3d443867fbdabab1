package io.jamesdmarc.storage.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * Every query of {@code conf-samples/queries.sql}, run against a database loaded with a data set,
 * must answer what {@link ExpectedFigures} computes in Java from the same model objects, under
 * several filters. Subclasses choose the data set (made-up reports; later, the parsed corpus).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class QueriesSqlContract {

    private static final int TOP_SOURCES = 20;

    private ReportingQueries queries;
    private ExpectedFigures expected;

    /** The test class's own database (a static {@code @RegisterExtension} field). */
    protected abstract TestDatabase database();

    protected abstract ReportDataSet dataSet();

    /** Filters each query is checked under: all, one domain, a period, both. */
    protected abstract List<ReportFilter> filters();

    @BeforeAll
    void load() throws Exception {
        ReportDataSet.Delivered delivered = dataSet().load(database().database().reportStore());
        expected = new ExpectedFigures(delivered);
        queries = database().database().reportingQueries();
    }

    @Test
    void everyQueryOfTheFileHasItsFiguresChecked() {
        assertThat(queries.queries()).extracting(NamedQuery::name).containsExactlyInAnyOrderElementsOf(expected.queryNames());
    }

    @Test
    void theQueriesOnTheClassPathAreThoseOfConfSamples() throws Exception {
        Path sample = Corpus.projectRoot().resolve("conf-samples/queries.sql");
        assertThat(QueriesFile.bundled()).isEqualTo(QueriesFile.parse(Files.readString(sample, StandardCharsets.UTF_8)));
    }

    Stream<Arguments> queriesAndFilters() {
        List<Arguments> arguments = new ArrayList<>();
        for (String name : expected.queryNames()) {
            for (ReportFilter filter : filters()) {
                arguments.add(Arguments.of(name, filter));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("queriesAndFilters")
    void answersWhatTheReportsSay(String name, ReportFilter filter) throws Exception {
        QueryResult result = queries.run(name, filter);
        List<List<Object>> actual = comparable(result);
        List<List<Object>> wanted = expected.expected(name, filter);
        if (filter.equals(ReportFilter.ALL)) {
            assertThat(wanted).as("the data set gives %s something to answer", name).isNotEmpty();
        }

        if (name.equals("top_failing_sources")) {
            assertTopSources(actual, wanted, result);
            return;
        }
        assertThat(sorted(actual)).as("%s %s on %s", name, filter, dataSet().describe()).hasSize(wanted.size());
        List<List<Object>> actualSorted = sorted(actual);
        List<List<Object>> wantedSorted = sorted(wanted);
        for (int i = 0; i < wantedSorted.size(); i++) {
            assertRow(actualSorted.get(i), wantedSorted.get(i), name + " " + filter);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void domainSummariesMatchThePerDomainFigures(ReportFilter filter) throws Exception {
        List<DomainSummary> summaries = queries.domainSummaries(filter);

        assertThat(summaries).isEqualTo(expected.domainSummaries(filter));
        assertThat(summaries).isSortedAccordingTo(Comparator.comparingLong(DomainSummary::messages).reversed());
    }

    @Test
    void aFilterThatMatchesNothingGivesNoRows() throws Exception {
        ReportFilter nothing = ReportFilter.ALL.withDomain("nobody.invalid");
        assertThat(queries.domainSummaries(nothing)).isEmpty();
        assertThat(queries.run("failure_reports_per_day", nothing).rows()).isEmpty();
        // before any report of any data set (the corpus has one of 1979)
        ReportFilter past = ReportFilter.ALL.withUntil(Instant.parse("1900-01-01T00:00:00Z"));
        assertThat(queries.run("daily_volume", past).rows()).isEmpty();
    }

    /** The query's rows without the columns only the database knows. */
    private static List<List<Object>> comparable(QueryResult result) {
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < result.columns().size(); i++) {
            if (!ExpectedFigures.databaseOnlyColumns().contains(result.columns().get(i))) {
                kept.add(i);
            }
        }
        List<List<Object>> rows = new ArrayList<>();
        for (List<Object> row : result.rows()) {
            List<Object> values = new ArrayList<>();
            for (int i : kept) {
                values.add(row.get(i));
            }
            rows.add(values);
        }
        return rows;
    }

    /** Top N with ties: the right size, only real candidates, in order, and nothing left out that ranks higher. */
    private void assertTopSources(List<List<Object>> actual, List<List<Object>> candidates, QueryResult result) {
        assertThat(actual).hasSize(Math.min(TOP_SOURCES, candidates.size()));
        for (List<Object> row : actual) {
            assertThat(candidates).as("a failing source of the data").contains(row);
        }
        Comparator<List<Object>> rank = Comparator.<List<Object>>comparingLong(row -> (Long) row.get(2))
            .thenComparingLong(row -> (Long) row.get(3)).reversed();
        assertThat(actual).isSortedAccordingTo(rank);
        if (!actual.isEmpty()) {
            List<Object> last = actual.get(actual.size() - 1);
            for (List<Object> candidate : candidates) {
                if (!actual.contains(candidate)) {
                    assertThat(rank.compare(candidate, last)).as("%s ranks no higher than %s", candidate, last).isGreaterThanOrEqualTo(0);
                }
            }
        }
        assertThat(result.columns()).startsWith("domain", "source_ip", "fail_messages", "messages");
    }

    private static void assertRow(List<Object> actual, List<Object> wanted, String what) {
        assertThat(actual).as(what).hasSameSizeAs(wanted);
        for (int i = 0; i < wanted.size(); i++) {
            Object a = actual.get(i);
            Object w = wanted.get(i);
            if (w instanceof BigDecimal rate) {
                // MariaDB rounds 100 * part / whole to 4 places, then to 2: allow a hundredth
                assertThat(a).as("%s, column %d of %s", what, i, actual).isInstanceOf(BigDecimal.class);
                assertThat(((BigDecimal) a).subtract(rate).abs()).as("%s, column %d of %s", what, i, actual)
                    .isLessThanOrEqualTo(new BigDecimal("0.01"));
            } else {
                assertThat(a).as("%s, column %d of %s (expected %s)", what, i, actual, wanted).isEqualTo(w);
            }
        }
    }

    /** Rows in one canonical order, rates left out of the key (they are compared with a tolerance). */
    private static List<List<Object>> sorted(List<List<Object>> rows) {
        return rows.stream().sorted(Comparator.comparing(QueriesSqlContract::key)).toList();
    }

    private static String key(List<Object> row) {
        StringBuilder key = new StringBuilder();
        for (Object value : row) {
            key.append(value instanceof BigDecimal ? "" : Objects.toString(value)).append('\u0000');
        }
        return key.toString();
    }
}
