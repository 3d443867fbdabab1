package io.jamesdmarc.storage.evaluation;

import static io.jamesdmarc.storage.testing.EvaluationFixtures.dkim;
import static io.jamesdmarc.storage.testing.EvaluationFixtures.evaluation;
import static io.jamesdmarc.storage.testing.EvaluationFixtures.policy;
import static io.jamesdmarc.storage.testing.EvaluationFixtures.spf;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.PolicyOverrideReason;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.aggregate.SpfAuthResult;
import io.jamesdmarc.model.evaluation.record.DomainVerdict;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.evaluation.record.RecordedPolicy;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;
import io.jamesdmarc.storage.testing.EvaluationFixtures;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * The rows of the aggregate reports this server sends (RFC 9990), from stored evaluations: one report
 * per policy domain and policy configuration, records grouped by every value they show (the whole
 * set of DKIM results included), compared with the same grouping done in Java.
 */
class EvaluationAggregateRowsTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final Instant DAY = Instant.parse("2026-05-20T00:00:00Z");
    private static final Instant NEXT_DAY = DAY.plusSeconds(86_400);
    private static final RecordedPolicy REJECT = policy("example.com", PolicyAction.REJECT);
    private static final RecordedPolicy QUARANTINE = policy("example.com", PolicyAction.QUARANTINE);

    private EvaluationRepository repository;

    @BeforeEach
    void emptyStore() throws SQLException {
        DB.truncateAll();
        repository = new EvaluationRepository(DB.dataSource());
    }

    private static EvaluationFixtures.Builder at(int hour) {
        return evaluation().at(DAY.plusSeconds(hour * 3600L)).policy(REJECT);
    }

    private static EvaluationFixtures.Builder failing(int hour) {
        return at(hour).source("192.0.2.2").envelopeFrom("bounce.example").dkim(dkim("bounce.example", "b", DkimResult.PASS))
            .spf(spf("bounce.example", SpfResult.PASS)).evaluated(DmarcResult.FAIL, Disposition.REJECT, PolicyResult.FAIL, PolicyResult.FAIL);
    }

    /** A day of example.com under p=reject until 15:00 and p=quarantine after, plus what must stay out. */
    private static List<EvaluationRecord> day() {
        DkimAuthResult author = dkim("example.com", "sel", DkimResult.PASS);
        DkimAuthResult esp = dkim("esp.example", "k1", DkimResult.PASS);
        List<EvaluationRecord> records = new ArrayList<>();
        // the same two signatures, in either header order: one row of 3
        records.add(at(1).dkim(author, esp).build());
        records.add(at(2).dkim(esp, author).build());
        records.add(at(3).dkim(author, esp).build());
        // only one of them: a row of its own, whatever the first row of the group says
        records.add(at(4).dkim(author).build());
        records.add(at(4).dkim(author, dkim("esp.example", "k1", DkimResult.FAIL)).build());
        // failing: one row of 2, then one per differing identifier, reason, scope...
        records.add(failing(5).build());
        records.add(failing(6).build());
        records.add(failing(6).envelopeFrom("other.example").build());
        records.add(failing(7).evaluated(DmarcResult.FAIL, Disposition.NONE, PolicyResult.FAIL, PolicyResult.FAIL)
            .reasons(EvaluationFixtures.Builder.reason(OverrideType.LOCAL_POLICY, "allow-listed")).build());
        records.add(failing(7).spf(new SpfAuthResult("bounce.example", Optional.of(Enumerated.of(SpfScope.HELO)),
            Enumerated.of(SpfResult.PASS), Optional.empty())).build());
        records.add(failing(8).envelopeTo("example.net", "example.org").build());
        records.add(failing(8).source("2001:db8::2").build());
        records.add(at(9).headerFrom("news.example.com").build());
        records.add(at(9).envelopeFrom(null).spf(null).build());
        // two author domains: one row in each domain's report
        DomainVerdict org = evaluation().headerFrom("example.org").policy(policy("example.org", PolicyAction.NONE)).verdict();
        records.add(at(10).alsoAuthor(org).build());
        records.add(evaluation().at(DAY.plusSeconds(11 * 3600)).headerFrom("example.org").policy(policy("example.org", PolicyAction.NONE))
            .build());
        // the policy changed at 15:00: another report
        records.add(at(16).policy(QUARANTINE).build());
        records.add(failing(17).policy(QUARANTINE).evaluated(DmarcResult.FAIL, Disposition.QUARANTINE, PolicyResult.FAIL,
            PolicyResult.FAIL).build());
        // no policy: no report
        records.add(evaluation().at(DAY.plusSeconds(12 * 3600)).headerFrom("nopolicy.example").policy(null)
            .evaluated(DmarcResult.NONE, Disposition.NONE, null, null).build());
        // outside the day
        records.add(at(0).at(DAY.minusNanos(1000)).build());
        records.add(at(0).at(NEXT_DAY).build());
        return records;
    }

    @Test
    void oneReportPerPolicyDomainAndConfiguration() throws SQLException {
        repository.store(day());

        List<ReportablePolicy> policies = repository.reportablePolicies(DAY, NEXT_DAY);

        assertThat(policies).extracting(p -> p.policyDomain() + " p=" + p.published().p().text() + " " + p.messages())
            .containsExactly("example.com p=reject 15", "example.com p=quarantine 2", "example.org p=none 2");
        assertThat(policies.get(0).policyHash()).matches("[0-9a-f]{64}").isNotEqualTo(policies.get(1).policyHash());
        assertThat(policies.get(0).published()).isEqualTo(REJECT.published());
        assertThat(policies.get(0).record()).isEqualTo(REJECT.record());
        assertThat(policies.get(0).rua()).containsExactly("mailto:dmarc@example.com");
        assertThat(policies.get(0).unreported()).isEqualTo(15);
        assertThat(policies.get(0).firstEvaluated()).isEqualTo(DAY.plusSeconds(3600));
        assertThat(policies.get(1).firstEvaluated()).isEqualTo(DAY.plusSeconds(16 * 3600));
    }

    @Test
    void rowsGroupEveryValueARecordShows() throws SQLException {
        List<EvaluationRecord> day = day();
        repository.store(day);
        ReportablePolicy reject = repository.reportablePolicies(DAY, NEXT_DAY).getFirst();

        List<AggregateRow> rows = repository.aggregateRows("example.com", reject.policyHash(), DAY, NEXT_DAY);

        assertThat(counts(rows)).isEqualTo(expectedCounts(day, REJECT));
        assertThat(rows).hasSize(11);
        AggregateRow biggest = rows.getFirst();
        assertThat(biggest.count()).isEqualTo(3);
        assertThat(biggest.dkim()).extracting(d -> d.domain() + "/" + d.selector().orElse("") + "=" + d.result().text())
            .containsExactly("esp.example/k1=pass", "example.com/sel=pass");
        assertThat(biggest.firstEvaluated()).isEqualTo(DAY.plusSeconds(3600));
        assertThat(biggest.lastEvaluated()).isEqualTo(DAY.plusSeconds(3 * 3600));
        assertThat(rows).filteredOn(r -> r.policyEvaluated().disposition().is(Disposition.NONE)).singleElement()
            .satisfies(r -> assertThat(r.policyEvaluated().reasons()).extracting(PolicyOverrideReason::comment)
                .containsExactly(Optional.of("allow-listed")));
        assertThat(rows).extracting(r -> r.sourceIp().text()).contains("2001:db8::2");
    }

    @Test
    void theReadmesPlainSqlGroupsAlike() throws SQLException {
        List<EvaluationRecord> day = day();
        repository.store(day);
        SqlProbe sql = new SqlProbe(DB.dataSource());

        // README.md, "Evaluations (outbound side)": the records of example.com's reports
        List<Long> counts = sql.longs("SELECT COUNT(*) AS messages "
            + "FROM evaluation_domains d JOIN evaluations e ON e.id = d.evaluation_id "
            + "WHERE d.policy_domain = 'example.com' AND d.evaluated_at >= '2026-05-20' AND d.evaluated_at < '2026-05-21' "
            + "GROUP BY d.policy_hash, d.aggregate_key ORDER BY messages DESC");

        List<Long> expected = new ArrayList<>();
        for (ReportablePolicy policy : repository.reportablePolicies(DAY, NEXT_DAY)) {
            if (policy.policyDomain().equals("example.com")) {
                repository.aggregateRows("example.com", policy.policyHash(), DAY, NEXT_DAY).forEach(row -> expected.add(row.count()));
            }
        }
        expected.sort(Comparator.reverseOrder());
        assertThat(counts).isEqualTo(expected).hasSize(13);
    }

    @Test
    void aRowBecomesAReportRecord() throws SQLException {
        repository.store(List.of(failing(5).build(), failing(6).build(), failing(7).envelopeTo("example.net", "example.org").build()));
        String hash = repository.reportablePolicies(DAY, NEXT_DAY).getFirst().policyHash();

        List<ReportRecord> records = repository.aggregateRows("example.com", hash, DAY, NEXT_DAY).stream()
            .map(AggregateRow::toReportRecord).toList();

        assertThat(records).hasSize(2);
        ReportRecord two = records.getFirst();
        assertThat(two.count()).isEqualTo(2);
        assertThat(two.sourceIp().text()).isEqualTo("192.0.2.2");
        assertThat(two.headerFrom()).contains("example.com");
        assertThat(two.envelopeFrom()).contains("bounce.example");
        assertThat(two.envelopeTo()).contains("example.net");
        assertThat(two.policyEvaluated().disposition().text()).isEqualTo("reject");
        assertThat(two.spf()).extracting(s -> s.domain() + " " + s.scope().orElseThrow().text() + " " + s.result().text())
            .containsExactly("bounce.example mfrom pass");
        assertThat(records.get(1).envelopeTo()).isEmpty();
    }

    @Test
    void evaluationsMarkedReportedStayOutOfTheUnreportedCount() throws SQLException {
        repository.store(day());
        ReportablePolicy reject = repository.reportablePolicies(DAY, NEXT_DAY).getFirst();

        int marked = repository.markAggregateReported("example.com", reject.policyHash(), DAY, NEXT_DAY, 42, NEXT_DAY.plusSeconds(60));
        repository.store(List.of(at(23).build()));

        assertThat(marked).isEqualTo(15);
        ReportablePolicy after = repository.reportablePolicies(DAY, NEXT_DAY).getFirst();
        assertThat(after.messages()).isEqualTo(16);
        assertThat(after.unreported()).isEqualTo(1);
        assertThat(repository.markAggregateReported("example.com", reject.policyHash(), DAY, NEXT_DAY, 43, NEXT_DAY)).isEqualTo(1);
    }

    @Test
    void manyGeneratedEvaluationsGroupAsInJava() throws SQLException {
        List<EvaluationRecord> records = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            records.add(EvaluationFixtures.generated(i % 1500, DAY.plusSeconds(i * 14L)));
        }
        for (int from = 0; from < records.size(); from += 1000) {
            repository.store(records.subList(from, from + 1000));
        }

        List<ReportablePolicy> policies = repository.reportablePolicies(DAY, NEXT_DAY);

        assertThat(policies).hasSize(6);
        for (ReportablePolicy policy : policies) {
            RecordedPolicy recorded = records.stream().flatMap(r -> r.domains().stream()).map(d -> d.policy().orElseThrow())
                .filter(p -> p.published().equals(policy.published())).findFirst().orElseThrow();
            List<AggregateRow> rows = repository.aggregateRows(policy.policyDomain(), policy.policyHash(), DAY, NEXT_DAY);
            assertThat(counts(rows)).as(policy.policyDomain()).isEqualTo(expectedCounts(records, recorded));
            assertThat(rows).isSortedAccordingTo(Comparator.comparingLong(AggregateRow::count).reversed());
        }
    }

    /** What makes two messages one aggregate record, computed in Java from the records themselves. */
    private record Key(String source, String headerFrom, Optional<String> envelopeFrom, List<String> envelopeTo, String disposition,
                       Optional<String> dkim, Optional<String> spf, List<String> reasons, List<String> dkimResults,
                       Optional<String> spfResult) {
    }

    private static Map<Key, Long> expectedCounts(List<EvaluationRecord> records, RecordedPolicy policy) {
        Map<Key, Long> counts = new HashMap<>();
        for (EvaluationRecord record : records) {
            if (record.evaluatedAt().isBefore(DAY) || !record.evaluatedAt().isBefore(NEXT_DAY)) {
                continue;
            }
            for (DomainVerdict verdict : record.domains()) {
                if (verdict.policy().map(p -> p.published().equals(policy.published())).orElse(false)) {
                    counts.merge(new Key(record.sourceIp().text(), verdict.headerFrom(), record.envelopeFrom(), record.envelopeTo(),
                        verdict.policyEvaluated().disposition().text(), verdict.policyEvaluated().dkim().map(Enumerated::text),
                        verdict.policyEvaluated().spf().map(Enumerated::text), reasons(verdict.policyEvaluated().reasons()),
                        dkimSet(record.dkim()), record.spf().map(EvaluationAggregateRowsTest::spfText)), 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    private static Map<Key, Long> counts(List<AggregateRow> rows) {
        Map<Key, Long> counts = new HashMap<>();
        for (AggregateRow row : rows) {
            Long before = counts.put(new Key(row.sourceIp().text(), row.headerFrom(), row.envelopeFrom(), row.envelopeTo(),
                row.policyEvaluated().disposition().text(), row.policyEvaluated().dkim().map(Enumerated::text),
                row.policyEvaluated().spf().map(Enumerated::text), reasons(row.policyEvaluated().reasons()), dkimSet(row.dkim()),
                row.spf().map(EvaluationAggregateRowsTest::spfText)), row.count());
            assertThat(before).as("two rows with the same values").isNull();
        }
        return counts;
    }

    private static List<String> dkimSet(List<DkimAuthResult> dkim) {
        return dkim.stream().map(d -> d.domain() + "/" + d.selector().orElse("-") + "=" + d.result().text()).sorted().toList();
    }

    private static String spfText(SpfAuthResult spf) {
        return spf.domain() + "/" + spf.scope().map(Enumerated::text).orElse("-") + "=" + spf.result().text();
    }

    private static List<String> reasons(List<PolicyOverrideReason> reasons) {
        return reasons.stream().map(r -> r.type().text() + ":" + r.comment().orElse("")).toList();
    }
}
