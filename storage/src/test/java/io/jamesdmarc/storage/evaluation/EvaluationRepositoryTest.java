package io.jamesdmarc.storage.evaluation;

import static io.jamesdmarc.storage.testing.EvaluationFixtures.asStored;
import static io.jamesdmarc.storage.testing.EvaluationFixtures.dkim;
import static io.jamesdmarc.storage.testing.EvaluationFixtures.evaluation;
import static io.jamesdmarc.storage.testing.EvaluationFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.PolicyPublished;
import io.jamesdmarc.model.aggregate.SpfAuthResult;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.evaluation.record.RecordedPolicy;
import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.PsdFlag;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.YesNo;
import io.jamesdmarc.storage.testing.EvaluationFixtures;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/** Batches of evaluation records into MariaDB and back: lossless, once per id, bad values set aside. */
class EvaluationRepositoryTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final Instant DAY = Instant.parse("2026-05-20T00:00:00Z");

    private EvaluationRepository repository;
    private SqlProbe sql;

    @BeforeEach
    void emptyStore() throws SQLException {
        DB.truncateAll();
        repository = new EvaluationRepository(DB.dataSource());
        sql = new SqlProbe(DB.dataSource());
    }

    /** Records that use every column: several authors, no policy, no SPF, IPv6, reasons, failure details, odd text. */
    private static List<EvaluationRecord> varied() {
        List<EvaluationRecord> records = new ArrayList<>();
        records.add(evaluation().build());
        records.add(evaluation().source("2001:db8::25").helo(Optional.empty()).envelopeFrom(null).envelopeTo("example.net", "example.org")
            .messageId(null).spf(null).dkim().headerFrom("example.org").policy(policy("example.org", PolicyAction.QUARANTINE))
            .evaluated(DmarcResult.FAIL, Disposition.NONE, PolicyResult.FAIL, PolicyResult.FAIL)
            .reasons(EvaluationFixtures.Builder.reason(OverrideType.LOCAL_POLICY, "delivered: \"trusted\" \u00e9 list"),
                EvaluationFixtures.Builder.reason(OverrideType.MAILING_LIST, null))
            .failureReport(EnumSet.of(FailureOption.ALL_FAIL, FailureOption.DKIM), "From: a@example.org\r\nSubject: x\r\n")
            .build());
        // an author domain without a policy next to one with a policy that carries every optional tag
        PolicyPublished everything = new PolicyPublished("example.net", Enumerated.of(Alignment.STRICT), Enumerated.of(Alignment.RELAXED),
            Enumerated.of(PolicyAction.NONE), Enumerated.of(PolicyAction.QUARANTINE), Optional.of(Enumerated.of(PolicyAction.REJECT)),
            Optional.of(50), Optional.of("0:d"), Optional.of(Enumerated.of(YesNo.YES)), Optional.empty(),
            Optional.of(Enumerated.of(PsdFlag.NO)));
        EvaluationFixtures.Builder none = evaluation().headerFrom("no-policy.example").policy(null)
            .evaluated(DmarcResult.NONE, Disposition.NONE, null, null);
        records.add(evaluation().headerFrom("example.net")
            .policy(new RecordedPolicy("v=DMARC1; p=none; sp=quarantine; np=reject; adkim=s; pct=50; fo=0:d; t=y; psd=n", everything,
                List.of("mailto:a@example.net", "https://report.example/\u00fcber"), List.of()))
            .dkim(new DkimAuthResult("example.net", Optional.empty(), Enumerated.of(DkimResult.PASS), Optional.of("good")),
                dkim("esp.example", "k1", DkimResult.TEMPERROR))
            .spf(new SpfAuthResult("helo.example", Optional.empty(), Enumerated.parse(SpfResult.class, "hardfail"), Optional.of("why")))
            .alsoAuthor(none.verdict()).build());
        // a time finer than a microsecond, a source that is not an address
        records.add(evaluation().at(Instant.parse("2026-05-20T23:59:59.999999999Z")).source("unknown").build());
        for (int i = 0; i < 200; i++) {
            records.add(EvaluationFixtures.generated(i, DAY.plusSeconds(i)));
        }
        return records;
    }

    @Test
    void aBatchReadsBackEqual() throws SQLException {
        List<EvaluationRecord> records = varied();

        StoreOutcome outcome = repository.store(records);

        assertThat(outcome.stored()).isEqualTo(records.size());
        assertThat(outcome.duplicates()).isZero();
        assertThat(outcome.unstorable()).isEmpty();
        Map<String, EvaluationRecord> read = repository.find(records.stream().map(EvaluationRecord::id).toList());
        assertThat(read.values()).containsExactlyElementsOf(records.stream().map(EvaluationFixtures::asStored).toList());
        assertThat(repository.count()).isEqualTo(records.size());
        assertThat(sql.count("evaluation_domains")).isEqualTo(records.stream().mapToLong(r -> r.domains().size()).sum());
        assertThat(sql.count("evaluation_dkim_results")).isEqualTo(records.stream().mapToLong(r -> r.dkim().size()).sum());
        assertThat(sql.count("evaluation_failures")).isEqualTo(records.stream().filter(r -> r.failure().isPresent()).count());
    }

    @Test
    void theAggregateKeyIsTheDocumentedHashOfTheStoredValues() throws SQLException {
        List<EvaluationRecord> records = varied();
        records.add(evaluation().envelopeTo("\u00e9xample.net").headerFrom("b\u00fccher.example").build());
        repository.store(records);

        assertThat(sql.longs("SELECT COUNT(*), SUM(d.aggregate_key = UNHEX(SHA2(CONCAT_WS(CHAR(0), e.source_ip_text, "
            + "IFNULL(e.envelope_from, CHAR(1)), e.envelope_to, e.auth_results, d.header_from, d.disposition, IFNULL(d.policy_dkim, CHAR(1)), "
            + "IFNULL(d.policy_spf, CHAR(1)), d.override_reasons), 256))) FROM evaluation_domains d JOIN evaluations e ON e.id = d.evaluation_id"))
            .containsExactly(records.stream().mapToLong(r -> r.domains().size()).sum(),
                records.stream().mapToLong(r -> r.domains().size()).sum());
    }

    @Test
    void aKnownValueInAnotherSpellingIsStoredInItsStandardOne() throws SQLException {
        EvaluationRecord record = evaluation().dkim(new DkimAuthResult("example.com", Optional.of("sel"),
            Enumerated.parse(DkimResult.class, "Pass"), Optional.empty())).build();

        repository.store(List.of(record));

        assertThat(repository.find(record.id()).orElseThrow().dkim()).singleElement()
            .satisfies(dkim -> assertThat(dkim.result()).isEqualTo(Enumerated.of(DkimResult.PASS)));
    }

    @Test
    void timesAreKeptToTheMicrosecond() throws SQLException {
        EvaluationRecord record = evaluation().at(Instant.parse("2026-05-20T23:59:59.999999999Z")).build();

        repository.store(List.of(record));

        assertThat(repository.find(record.id()).orElseThrow().evaluatedAt()).isEqualTo(Instant.parse("2026-05-20T23:59:59.999999Z"));
    }

    @Test
    void theColumnsSayWhatAnOperatorExpects() throws SQLException {
        EvaluationRecord record = evaluation().source("192.0.2.7").envelopeTo("example.net", "example.org")
            .evaluated(DmarcResult.FAIL, Disposition.REJECT, PolicyResult.FAIL, PolicyResult.PASS)
            .failureReport(EnumSet.of(FailureOption.ANY_FAIL), "From: a@example.com\r\n").build();

        repository.store(List.of(record));

        String id = "'" + record.id() + "'";
        long rowId = sql.longs("SELECT id FROM evaluations WHERE record_id = " + id).getFirst();
        assertThat(sql.strings("SELECT CONCAT_WS('|', source_ip, source_ip_text, envelope_to, result, disposition, auth_results) "
            + "FROM evaluations WHERE record_id = " + id)).containsExactly("::ffff:192.0.2.7|192.0.2.7|[\"example.net\",\"example.org\"]|fail|reject|"
                + "{\"dkim\":[{\"domain\":\"example.com\",\"selector\":\"sel\",\"result\":\"pass\"}],"
                + "\"spf\":{\"domain\":\"example.com\",\"scope\":\"mfrom\",\"result\":\"pass\"}}");
        assertThat(sql.strings("SELECT CONCAT_WS('|', policy_domain, policy_p, disposition, policy_dkim, policy_spf, aligned_passes, "
            + "failure_report_triggers, failure_report_state, policy_rua) FROM evaluation_domains WHERE evaluation_id = " + rowId))
            .containsExactly("example.com|reject|reject|fail|pass|spf|1|due|[\"mailto:dmarc@example.com\"]");
        assertThat(sql.strings("SELECT CONCAT_WS('|', original_mail_from, original_rcpt_to, subject) FROM evaluation_failures WHERE "
            + "evaluation_id = " + rowId)).containsExactly("bounce@example.com|[\"bob@example.net\"]|Order caf\u00e9 \uD83D\uDE00");
    }

    @Test
    void aReplayedIdIsStoredOnce() throws SQLException {
        List<EvaluationRecord> first = varied();
        repository.store(first);
        EvaluationRecord fresh = evaluation().build();
        List<EvaluationRecord> replay = new ArrayList<>(first);
        replay.add(fresh);
        replay.add(fresh);

        StoreOutcome outcome = repository.store(replay);

        assertThat(outcome.stored()).isEqualTo(1);
        assertThat(outcome.duplicates()).isEqualTo(first.size() + 1);
        assertThat(repository.count()).isEqualTo(first.size() + 1);
        assertThat(sql.count("evaluation_domains")).isEqualTo(first.stream().mapToLong(r -> r.domains().size()).sum() + 1);
    }

    @Test
    void aRecordTheSchemaCannotHoldIsSetAsideAndTheRestStored() throws SQLException {
        EvaluationRecord tooLong = evaluation().headerFrom("x".repeat(300) + ".example").build();
        EvaluationRecord badTime = evaluation().at(Instant.parse("0999-12-31T00:00:00Z")).build();
        EvaluationRecord badId = evaluation().id("not ascii \u00e9").build();
        List<EvaluationRecord> batch = new ArrayList<>(List.of(evaluation().build(), tooLong, badTime, badId, evaluation().build()));

        StoreOutcome outcome = repository.store(batch);

        assertThat(outcome.stored()).isEqualTo(2);
        assertThat(outcome.unstorable()).extracting(StoreOutcome.Unstorable::record).containsExactlyInAnyOrder(tooLong, badTime, badId);
        assertThat(outcome.unstorable()).filteredOn(u -> u.record() == tooLong).singleElement()
            .satisfies(u -> assertThat(u.reason()).contains("header_from"));
        assertThat(outcome.unstorable()).filteredOn(u -> u.record() == badTime).singleElement()
            .satisfies(u -> assertThat(u.reason()).contains("1000-9999"));
        assertThat(repository.find(List.of(batch.get(0).id(), batch.get(4).id()))).hasSize(2);
        assertThat(repository.count()).isEqualTo(2);
    }

    @Test
    void failureReportsDueAreFoundAndMarked() throws SQLException {
        EvaluationRecord owing = evaluation().at(DAY.plusSeconds(5)).evaluated(DmarcResult.FAIL, Disposition.REJECT, PolicyResult.FAIL,
            PolicyResult.FAIL).failureReport(EnumSet.of(FailureOption.ALL_FAIL), "From: a@example.com\r\n").build();
        EvaluationRecord older = evaluation().at(DAY).evaluated(DmarcResult.FAIL, Disposition.REJECT, PolicyResult.FAIL,
            PolicyResult.FAIL).failureReport(EnumSet.of(FailureOption.ALL_FAIL), "From: b@example.com\r\n").build();
        repository.store(List.of(owing, evaluation().build(), older));

        assertThat(repository.failureReportsDue(10)).containsExactly(asStored(older), asStored(owing));

        assertThat(repository.markFailureReport(older.id(), "example.com", FailureReportState.SENT, DAY.plusSeconds(60))).isTrue();
        assertThat(repository.markFailureReport(owing.id(), "other.example", FailureReportState.SENT, DAY)).isFalse();
        assertThat(repository.failureReportsDue(10)).containsExactly(asStored(owing));
        assertThat(sql.strings("SELECT d.failure_report_state FROM evaluation_domains d JOIN evaluations e ON e.id = d.evaluation_id "
            + "WHERE e.record_id = '" + older.id() + "'"))
            .containsExactly("sent");
    }

    @Test
    void pruningDeletesOldEvaluationsWithEverythingTheyOwn() throws SQLException {
        List<EvaluationRecord> records = new ArrayList<>();
        for (int i = 0; i < 12_000; i++) {
            records.add(EvaluationFixtures.generated(i, DAY.minusSeconds(40L * 86_400).plusSeconds(i)));
        }
        EvaluationRecord recent = evaluation().at(DAY).failureReport(EnumSet.of(FailureOption.ANY_FAIL), "From: x\r\n").build();
        records.add(recent);
        repository.store(records);

        long deleted = repository.pruneEvaluatedBefore(DAY.minusSeconds(30L * 86_400));

        assertThat(deleted).isEqualTo(12_000);
        assertThat(repository.count()).isEqualTo(1);
        assertThat(sql.count("evaluation_domains")).isEqualTo(1);
        assertThat(sql.count("evaluation_dkim_results")).isEqualTo(1);
        assertThat(sql.count("evaluation_failures")).isEqualTo(1);
        assertThat(repository.find(recent.id())).contains(asStored(recent));
    }

    @Test
    void countsByPeriod() throws SQLException {
        repository.store(List.of(evaluation().at(DAY.minusNanos(1000)).build(), evaluation().at(DAY).build(),
            evaluation().at(DAY.plusSeconds(86_399)).build(), evaluation().at(DAY.plusSeconds(86_400)).build()));

        assertThat(repository.count(DAY, DAY.plusSeconds(86_400))).isEqualTo(2);
    }
}
