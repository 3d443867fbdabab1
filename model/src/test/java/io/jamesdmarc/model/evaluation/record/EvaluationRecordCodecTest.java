package io.jamesdmarc.model.evaluation.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.PolicyOverrideReason;
import io.jamesdmarc.model.aggregate.PolicyPublished;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.aggregate.SpfAuthResult;
import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

/** The spool line format, written out once in full so that a change to it cannot go unnoticed, and its errors. */
class EvaluationRecordCodecTest {

    static EvaluationRecord spoofed() throws UnknownHostException {
        PolicyPublished published = new PolicyPublished("example.com", Enumerated.of(Alignment.RELAXED),
            Enumerated.of(Alignment.RELAXED), Enumerated.of(PolicyAction.REJECT), Enumerated.of(PolicyAction.REJECT),
            Optional.empty(), Optional.empty(), Optional.of("1"), Optional.empty(), Optional.of(Enumerated.of(DiscoveryMethod.TREEWALK)),
            Optional.empty());
        DomainVerdict verdict = new DomainVerdict("example.com", DmarcResult.FAIL, "fail: no DKIM signature",
            Optional.of(new RecordedPolicy("v=DMARC1; p=reject; rua=mailto:d@example.com; ruf=mailto:f@example.com; fo=1",
                published, List.of("mailto:d@example.com"), List.of("mailto:f@example.com"))),
            new PolicyEvaluated(Enumerated.of(Disposition.REJECT), Optional.of(Enumerated.of(PolicyResult.FAIL)),
                Optional.of(Enumerated.of(PolicyResult.FAIL)), List.of()),
            Optional.empty(), Optional.empty(), Optional.empty(), Set.of(FailureOption.ANY_FAIL));
        return new EvaluationRecord("6f1c8f52-1d9e-4a4e-9d5b-0c1f6d2e7a10", Instant.parse("2026-05-04T10:15:30.123Z"),
            SourceIp.of(InetAddress.getByName("203.0.113.9")), Optional.of("mail.attacker.example"),
            Optional.of("attacker.example"), List.of("example.net"), Optional.of("<1@attacker.example>"),
            DmarcResult.FAIL, Disposition.REJECT, "fail: no DKIM signature",
            List.of(new DkimAuthResult("attacker.example", Optional.of("s1"), Enumerated.of(DkimResult.PASS), Optional.empty())),
            Optional.of(new SpfAuthResult("attacker.example", Optional.of(Enumerated.of(SpfScope.MFROM)),
                Enumerated.of(SpfResult.PASS), Optional.empty())),
            List.of(verdict),
            Optional.of(new FailureDetails(Optional.of("bounce@attacker.example"), List.of("bob@example.net"),
                Instant.parse("2026-05-04T10:15:29Z"), Optional.of("Caf\u00e9"), "From: ceo@example.com\r\n", false)));
    }

    @Test
    void writesOneVersionedAsciiLine() throws Exception {
        String line = EvaluationRecordCodec.toLine(spoofed());

        assertThat(line).isEqualTo("{\"v\":1,\"id\":\"6f1c8f52-1d9e-4a4e-9d5b-0c1f6d2e7a10\","
            + "\"evaluated_at\":\"2026-05-04T10:15:30.123Z\",\"source_ip\":\"203.0.113.9\",\"helo\":\"mail.attacker.example\","
            + "\"envelope_from\":\"attacker.example\",\"envelope_to\":[\"example.net\"],\"message_id\":\"<1@attacker.example>\","
            + "\"result\":\"fail\",\"disposition\":\"reject\",\"explanation\":\"fail: no DKIM signature\","
            + "\"dkim\":[{\"domain\":\"attacker.example\",\"selector\":\"s1\",\"result\":\"pass\"}],"
            + "\"spf\":{\"domain\":\"attacker.example\",\"scope\":\"mfrom\",\"result\":\"pass\"},"
            + "\"domains\":[{\"header_from\":\"example.com\",\"result\":\"fail\",\"explanation\":\"fail: no DKIM signature\","
            + "\"policy\":{\"record\":\"v=DMARC1; p=reject; rua=mailto:d@example.com; ruf=mailto:f@example.com; fo=1\","
            + "\"published\":{\"domain\":\"example.com\",\"adkim\":\"r\",\"aspf\":\"r\",\"p\":\"reject\",\"sp\":\"reject\","
            + "\"fo\":\"1\",\"discovery_method\":\"treewalk\"},\"rua\":[\"mailto:d@example.com\"],\"ruf\":[\"mailto:f@example.com\"]},"
            + "\"policy_evaluated\":{\"disposition\":\"reject\",\"dkim\":\"fail\",\"spf\":\"fail\",\"reasons\":[]},"
            + "\"failure_report_triggers\":[\"1\"]}],"
            + "\"failure\":{\"original_mail_from\":\"bounce@attacker.example\",\"original_rcpt_to\":[\"bob@example.net\"],"
            + "\"arrival_date\":\"2026-05-04T10:15:29Z\",\"subject\":\"Caf\\u00E9\",\"headers\":\"From: ceo@example.com\\r\\n\","
            + "\"headers_truncated\":false}}");
        assertThat(EvaluationRecordCodec.fromLine(line)).isEqualTo(spoofed());
    }

    @Test
    void namesWhatIsWrongWithALine() {
        assertThatThrownBy(() -> EvaluationRecordCodec.fromLine("not json")).isInstanceOf(EvaluationRecordFormatException.class)
            .hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> EvaluationRecordCodec.fromLine("[1]")).hasMessage("not a JSON object");
        assertThatThrownBy(() -> EvaluationRecordCodec.fromLine("{}")).hasMessage("no format version (\"v\")");
        assertThatThrownBy(() -> EvaluationRecordCodec.fromLine("{\"v\":2}")).hasMessage("format version 2 is not 1");
        assertThatThrownBy(() -> EvaluationRecordCodec.fromLine("{\"v\":1,\"dkim\":[],\"domains\":[]}"))
            .hasMessage("field 'id' is missing or not a string");
    }

    @Test
    void refusesAResultOutsideTheVocabularyWhereTheRecordMadeItItself() throws Exception {
        String line = EvaluationRecordCodec.toLine(spoofed()).replace("\"result\":\"fail\",\"disposition\"",
            "\"result\":\"maybe\",\"disposition\"");

        assertThatThrownBy(() -> EvaluationRecordCodec.fromLine(line)).isInstanceOf(EvaluationRecordFormatException.class)
            .hasMessage("field 'result': 'maybe' is not a DmarcResult");
    }

    @Test
    void ignoresFieldsItDoesNotKnow() throws Exception {
        String line = EvaluationRecordCodec.toLine(spoofed()).replaceFirst("\\{\"v\":1,", "{\"v\":1,\"later\":{\"x\":[1]},");

        assertThat(EvaluationRecordCodec.fromLine(line)).isEqualTo(spoofed());
    }

    @Test
    void theAppliedDispositionReplacesTheRequestedOneWithTheReason() throws Exception {
        PolicyOverrideReason monitorOnly = new PolicyOverrideReason(Enumerated.of(OverrideType.LOCAL_POLICY),
            Optional.of("DMARC enforcement is off"));

        EvaluationRecord delivered = spoofed().withAppliedDisposition(Disposition.NONE, monitorOnly);

        assertThat(delivered.disposition()).isEqualTo(Disposition.NONE);
        PolicyEvaluated evaluated = delivered.domains().getFirst().policyEvaluated();
        assertThat(evaluated.disposition().known()).isEqualTo(Disposition.NONE);
        assertThat(evaluated.reasons()).containsExactly(monitorOnly);
        assertThat(spoofed().withAppliedDisposition(Disposition.REJECT, monitorOnly)).isEqualTo(spoofed());
        assertThat(EvaluationRecordCodec.fromLine(EvaluationRecordCodec.toLine(delivered))).isEqualTo(delivered);
    }

    @Test
    void identityAlignmentNamesTheAlignedMechanisms() throws Exception {
        DomainVerdict failed = spoofed().domains().getFirst();
        DomainVerdict both = new DomainVerdict("example.com", DmarcResult.PASS, "pass", Optional.empty(),
            new PolicyEvaluated(Enumerated.of(Disposition.PASS), Optional.of(Enumerated.of(PolicyResult.PASS)),
                Optional.of(Enumerated.of(PolicyResult.PASS)), List.of()),
            Optional.of("example.com"), Optional.of("s1"), Optional.of("example.com"), Set.of());

        assertThat(failed.alignedPasses()).isEqualTo("none");
        assertThat(both.alignedPasses()).isEqualTo("dkim, spf");
        assertThat(failed.failureReportDue()).isTrue();
        assertThat(both.failureReportDue()).isFalse();
    }
}
