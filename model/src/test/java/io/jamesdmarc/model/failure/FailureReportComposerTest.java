package io.jamesdmarc.model.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.PolicyPublished;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.aggregate.SpfAuthResult;
import io.jamesdmarc.model.evaluation.record.DomainVerdict;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.evaluation.record.FailureDetails;
import io.jamesdmarc.model.evaluation.record.RecordedPolicy;
import io.jamesdmarc.model.failure.FailureReportComposer.AlignmentCheck;
import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

/** Identity-Alignment as RFC 9991 defines it, the DKIM and SPF fields that go with it, and every report written and read back. */
class FailureReportComposerTest {

    static final FailureReportComposer COMPOSER = new FailureReportComposer("mx.example.net", "james-dmarc/test", LocalPartRedaction.NONE);
    /** Relaxed alignment for names under example.com, as the Organizational Domain would say. */
    static final AlignmentCheck RELAXED_EXAMPLE_COM = (id, author, mode) -> id.equals(author)
        || mode == Alignment.RELAXED && (id.endsWith(".example.com") || id.equals("example.com"));

    static DkimAuthResult dkim(String domain, String selector, DkimResult result) {
        return new DkimAuthResult(domain, Optional.ofNullable(selector), Enumerated.of(result), Optional.empty());
    }

    static EvaluationRecord record(DmarcResult result, List<DkimAuthResult> dkim, String spfDomain, SpfResult spf, PolicyResult alignedDkim,
                                   PolicyResult alignedSpf, Alignment adkim) throws Exception {
        PolicyPublished published = new PolicyPublished("example.com", Enumerated.of(adkim), Enumerated.of(Alignment.RELAXED),
            Enumerated.of(PolicyAction.REJECT), Enumerated.of(PolicyAction.REJECT), Optional.empty(), Optional.empty(), Optional.of("1:d:s"),
            Optional.empty(), Optional.of(Enumerated.of(DiscoveryMethod.TREEWALK)), Optional.empty());
        DomainVerdict verdict = new DomainVerdict("example.com", result, "verdict",
            Optional.of(new RecordedPolicy("v=DMARC1; p=reject; ruf=mailto:f@example.com; fo=1:d:s", published, List.of(),
                List.of("mailto:f@example.com"))),
            new PolicyEvaluated(Enumerated.of(Disposition.QUARANTINE), Optional.of(Enumerated.of(alignedDkim)),
                Optional.of(Enumerated.of(alignedSpf)), List.of()),
            Optional.empty(), Optional.empty(), Optional.empty(), Set.of(FailureOption.ANY_FAIL));
        return new EvaluationRecord("id-1", Instant.parse("2026-05-04T10:15:30Z"), SourceIp.of(InetAddress.getByName("203.0.113.9")),
            Optional.empty(), Optional.of(spfDomain), List.of("example.net"), Optional.of("<1@x>"), result, Disposition.QUARANTINE, "x",
            dkim, Optional.of(new SpfAuthResult(spfDomain, Optional.of(Enumerated.of(SpfScope.MFROM)), Enumerated.of(spf), Optional.empty())),
            List.of(verdict), Optional.of(new FailureDetails(Optional.of("bounce@" + spfDomain), List.of("bob@example.net"),
                Instant.parse("2026-05-04T10:15:29Z"), Optional.of("Hi"), "From: ceo@example.com\r\nTo: bob@example.net\r\n", false)));
    }

    static FailureReport composeWriteAndReadBack(EvaluationRecord record, AlignmentCheck check) throws Exception {
        DomainVerdict verdict = record.domains().getFirst();
        Optional<String> spfDns = FailureReportComposer.spfDnsDomain(record, verdict).map(d -> FailureReportComposer.spfDns(d, "v=spf1 -all"));
        FailureReport report = COMPOSER.compose(record, verdict, spfDns, check);
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setContent(new FailureReportWriter().write(report));
        message.saveChanges();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        message.writeTo(bytes);
        FailureReport parsed = new FailureReportParser().parse(new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(parsed).isEqualTo(report);
        return parsed;
    }

    @Test
    void aSpoofWithNoAlignedIdentifierAtAllIsNone() throws Exception {
        FailureReport report = composeWriteAndReadBack(record(DmarcResult.FAIL,
            List.of(dkim("attacker.example", "s1", DkimResult.PASS)), "attacker.example", SpfResult.PASS,
            PolicyResult.FAIL, PolicyResult.FAIL, Alignment.RELAXED), RELAXED_EXAMPLE_COM);

        assertThat(report.identityAlignment()).contains("none");
        assertThat(report.dkimDomain()).isEmpty();
        assertThat(report.spfDns()).isEmpty();
        assertThat(report.authenticationResults()).containsExactly("mx.example.net; dkim=pass header.d=attacker.example header.s=s1; "
            + "spf=pass smtp.mailfrom=attacker.example; dmarc=fail header.from=example.com");
        assertThat(report.deliveryResult()).contains("spam");
        assertThat(report.originalMailFrom()).contains("<bounce@attacker.example>");
    }

    @Test
    void alignedFailuresOfBothAreListedWithTheirFields() throws Exception {
        FailureReport report = composeWriteAndReadBack(record(DmarcResult.FAIL,
            List.of(dkim("other.example", "o", DkimResult.FAIL), dkim("example.com", "sel", DkimResult.FAIL)), "example.com",
            SpfResult.SOFTFAIL, PolicyResult.FAIL, PolicyResult.FAIL, Alignment.RELAXED), RELAXED_EXAMPLE_COM);

        assertThat(report.identityAlignment()).contains("dkim, spf");
        assertThat(report.dkimDomain()).as("the aligned one, not the first").contains("example.com");
        assertThat(report.dkimSelector()).contains("sel");
        assertThat(report.dkimIdentity()).contains("@example.com");
        assertThat(report.spfDns()).contains("txt : example.com : v=spf1 -all");
    }

    @Test
    void alignmentFollowsThePolicysMode() throws Exception {
        List<DkimAuthResult> signature = List.of(dkim("mail.example.com", "sel", DkimResult.FAIL));
        FailureReport relaxed = composeWriteAndReadBack(record(DmarcResult.PASS, signature, "example.com", SpfResult.PASS,
            PolicyResult.FAIL, PolicyResult.PASS, Alignment.RELAXED), RELAXED_EXAMPLE_COM);
        FailureReport strict = composeWriteAndReadBack(record(DmarcResult.PASS, signature, "example.com", SpfResult.PASS,
            PolicyResult.FAIL, PolicyResult.PASS, Alignment.STRICT), RELAXED_EXAMPLE_COM);

        assertThat(relaxed.identityAlignment()).contains("dkim");
        assertThat(strict.identityAlignment()).as("fo=d: an unaligned signature failed").contains("none");
        assertThat(strict.dkimDomain()).as("still named: the failure the report is about").contains("mail.example.com");
    }

    @Test
    void aRecordOwingNoReportHasNoneToCompose() throws Exception {
        EvaluationRecord owing = record(DmarcResult.FAIL, List.of(), "example.com", SpfResult.FAIL, PolicyResult.FAIL, PolicyResult.FAIL,
            Alignment.RELAXED);
        EvaluationRecord none = new EvaluationRecord(owing.id(), owing.evaluatedAt(), owing.sourceIp(), owing.helo(), owing.envelopeFrom(),
            owing.envelopeTo(), owing.messageId(), owing.result(), owing.disposition(), owing.explanation(), owing.dkim(), owing.spf(),
            owing.domains(), Optional.empty());

        assertThatThrownBy(() -> COMPOSER.compose(none, none.domains().getFirst(), Optional.empty(), AlignmentCheck.SAME_DOMAIN))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
