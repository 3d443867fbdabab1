package io.jamesdmarc.model.evaluation.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.common.io.ByteSource;
import com.google.common.net.InetAddresses;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.evaluation.EvaluationSettings;
import io.jamesdmarc.model.evaluation.record.DomainVerdict;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.evaluation.record.EvaluationRecordCodec;
import io.jamesdmarc.model.testing.DkimTestKey;
import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

/** Whole messages through DKIM, SPF and DMARC, against a real DNS server on loopback. */
class MessageEvaluatorTest {
    private static final Instant ARRIVAL = Instant.parse("2026-05-04T10:15:30Z");

    private static DkimTestKey author;
    private static DkimTestKey esp;
    private static LoopbackDnsServer dns;
    private MessageEvaluator evaluator;

    @BeforeAll
    static void zone() {
        author = DkimTestKey.generate(2048);
        esp = DkimTestKey.generate(2048);
        dns = LoopbackDnsServer.start("""
            _dmarc.example.com.    TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com; ruf=mailto:fail@example.com; fo=1"
            example.com.           TXT "v=spf1 ip4:192.0.2.0/24 -all"
            mx.example.com.        A   192.0.2.30
            mx.example.com.        TXT "v=spf1 a -all"
            esp.example.           TXT "v=spf1 ip4:198.51.100.0/24 -all"
            _dmarc.testing.example. TXT "v=DMARC1; p=reject; t=y; rua=mailto:d@testing.example"
            testing.example.       TXT "v=spf1 -all"
            forwarder.example.     TXT "v=spf1 ip4:203.0.113.50 -all"
            """);
        author.publish(dns, "sel", "example.com");
        esp.publish(dns, "esp1", "esp.example");
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @BeforeEach
    void evaluator() {
        dns.clearQueries();
        evaluator = new MessageEvaluator(new DnsResolver(DnsSettings.of(List.of(dns.address()))), "mx.example.net",
            EvaluationSettings.DEFAULTS);
    }

    private static byte[] message(String from) {
        return ("From: " + from + "\r\n"
            + "To: bob@example.net\r\n"
            + "Subject: =?UTF-8?Q?caf=C3=A9_order?=\r\n"
            + "Date: Mon, 4 May 2026 10:15:30 +0000\r\n"
            + "Message-ID: <order-42@example.com>\r\n"
            + "\r\n"
            + "Your order has shipped.\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static SmtpEnvelope envelope(String ip, String mailFrom) {
        return new SmtpEnvelope(InetAddresses.forString(ip), Optional.of("client.example"),
            mailFrom.isEmpty() ? Optional.empty() : Optional.of(mailFrom), List.of("bob@example.net", "carol@Example.NET"), ARRIVAL);
    }

    private MessageEvaluation evaluate(byte[] message, SmtpEnvelope envelope) throws Exception {
        return evaluator.evaluate(ByteSource.wrap(message), envelope, Optional.empty());
    }

    @Test
    void anAlignedDkimSignaturePassesThoughSpfIsTheEsps() throws Exception {
        byte[] signed = author.sign(esp.sign(message("Shop <orders@example.com>"), "esp.example", "esp1"), "example.com", "sel");

        MessageEvaluation evaluation = evaluate(signed, envelope("198.51.100.7", "bounces@esp.example"));

        assertThat(evaluation.dmarc().result()).isEqualTo(DmarcResult.PASS);
        assertThat(evaluation.dkim()).extracting(s -> s.domain() + " " + s.result().token())
            .containsExactly("example.com pass", "esp.example pass");
        assertThat(evaluation.spf()).hasValueSatisfying(spf -> {
            assertThat(spf.result()).isEqualTo(SpfResult.PASS);
            assertThat(spf.domain()).isEqualTo("esp.example");
        });
        EvaluationRecord record = evaluation.record();
        assertThat(record.result()).isEqualTo(DmarcResult.PASS);
        assertThat(record.disposition()).isEqualTo(Disposition.PASS);
        assertThat(record.envelopeFrom()).contains("esp.example");
        assertThat(record.envelopeTo()).containsExactly("example.net");
        assertThat(record.messageId()).contains("<order-42@example.com>");
        assertThat(record.dkim()).hasSize(2);
        DomainVerdict verdict = record.domains().getFirst();
        assertThat(verdict.headerFrom()).isEqualTo("example.com");
        assertThat(verdict.policyEvaluated().dkim()).hasValueSatisfying(r -> assertThat(r.known()).isEqualTo(PolicyResult.PASS));
        assertThat(verdict.policyEvaluated().spf()).hasValueSatisfying(r -> assertThat(r.known()).isEqualTo(PolicyResult.FAIL));
        assertThat(verdict.alignedDkimDomain()).contains("example.com");
        assertThat(verdict.alignedDkimSelector()).contains("sel");
        assertThat(verdict.alignedPasses()).isEqualTo("dkim");
        // fo=1: SPF did not align, so a failure report is due even though DMARC passed
        assertThat(verdict.failureReportTriggers()).containsExactly(FailureOption.ANY_FAIL);
        assertThat(record.failure()).hasValueSatisfying(failure -> {
            assertThat(failure.originalMailFrom()).contains("bounces@esp.example");
            assertThat(failure.originalRcptTo()).containsExactly("bob@example.net", "carol@Example.NET");
            assertThat(failure.arrivalDate()).isEqualTo(ARRIVAL);
            assertThat(failure.subject()).contains("caf\u00e9 order");
            assertThat(failure.headers()).startsWith("DKIM-Signature:").contains("Message-ID: <order-42@example.com>\r\n");
        });
        assertThat(evaluation.authenticationResults()).startsWith("mx.example.net;")
            .contains("dkim=pass header.d=example.com header.s=sel", "spf=pass smtp.mailfrom=esp.example",
                "dmarc=pass (p=reject sp=reject dis=pass) header.from=example.com");
    }

    @Test
    void aForwardedMessageFailsSpfButPassesOnItsSignature() throws Exception {
        byte[] signed = author.sign(message("alice@example.com"), "example.com", "sel");

        MessageEvaluation evaluation = evaluate(signed, envelope("203.0.113.50", "alice@example.com"));

        assertThat(evaluation.spf().orElseThrow().result()).isEqualTo(SpfResult.FAIL);
        assertThat(evaluation.dmarc().result()).isEqualTo(DmarcResult.PASS);
        assertThat(evaluation.record().disposition()).isEqualTo(Disposition.PASS);
    }

    @Test
    void aSpoofedMessageFailsAndThePolicyAsksToRejectIt() throws Exception {
        MessageEvaluation evaluation = evaluate(message("CEO <ceo@example.com>"), envelope("203.0.113.66", "ceo@example.com"));

        assertThat(evaluation.dkim()).isEmpty();
        assertThat(evaluation.dmarc().result()).isEqualTo(DmarcResult.FAIL);
        assertThat(evaluation.dmarc().disposition()).isEqualTo(Disposition.REJECT);
        EvaluationRecord record = evaluation.record();
        assertThat(record.disposition()).isEqualTo(Disposition.REJECT);
        assertThat(record.domains().getFirst().alignedPasses()).isEqualTo("none");
        assertThat(record.domains().getFirst().policy()).hasValueSatisfying(policy -> {
            assertThat(policy.domain()).isEqualTo("example.com");
            assertThat(policy.rua()).containsExactly("mailto:dmarc@example.com");
            assertThat(policy.ruf()).containsExactly("mailto:fail@example.com");
            assertThat(policy.published().fo()).contains("1");
        });
        assertThat(record.domains().getFirst().failureReportTriggers()).contains(FailureOption.ANY_FAIL);
        assertThat(record.failure()).isPresent();
        assertThat(evaluation.authenticationResults()).contains("dkim=none", "spf=fail", "dmarc=fail");
    }

    @Test
    void anUnsignedMessagePassesOnAlignedSpf() throws Exception {
        MessageEvaluation evaluation = evaluate(message("news@example.com"), envelope("192.0.2.25", "bounces@example.com"));

        assertThat(evaluation.dmarc().result()).isEqualTo(DmarcResult.PASS);
        assertThat(evaluation.record().domains().getFirst().alignedSpfDomain()).contains("example.com");
        assertThat(evaluation.record().domains().getFirst().alignedPasses()).isEqualTo("spf");
    }

    @Test
    void testModeLowersRejectToQuarantineAndSaysWhy() throws Exception {
        MessageEvaluation evaluation = evaluate(message("billing@testing.example"), envelope("203.0.113.66", "x@testing.example"));

        assertThat(evaluation.dmarc().result()).isEqualTo(DmarcResult.FAIL);
        assertThat(evaluation.record().disposition()).isEqualTo(Disposition.QUARANTINE);
        assertThat(evaluation.record().domains().getFirst().policyEvaluated().reasons())
            .extracting(reason -> reason.type().known()).containsExactly(OverrideType.POLICY_TEST_MODE);
        assertThat(evaluation.record().failure()).as("no ruf, no failure details kept").isEmpty();
    }

    @Test
    void aNullSenderIsCheckedOnItsHeloName() throws Exception {
        SmtpEnvelope bounce = new SmtpEnvelope(InetAddresses.forString("192.0.2.30"), Optional.of("mx.example.com"),
            Optional.empty(), List.of("bob@example.net"), ARRIVAL);

        MessageEvaluation evaluation = evaluate(message("MAILER-DAEMON@example.com"), bounce);

        assertThat(evaluation.spf()).hasValueSatisfying(spf -> {
            assertThat(spf.scope()).isEqualTo(SpfScope.HELO);
            assertThat(spf.domain()).isEqualTo("mx.example.com");
            assertThat(spf.result()).isEqualTo(SpfResult.PASS);
        });
        assertThat(evaluation.dmarc().result()).isEqualTo(DmarcResult.PASS);
        assertThat(evaluation.record().envelopeFrom()).isEmpty();
        assertThat(evaluation.authenticationResults()).contains("smtp.helo=mx.example.com");
    }

    @Test
    void jamesSpfResultIsTakenWithoutAskingDnsForSpf() throws Exception {
        MessageEvaluation evaluation = evaluator.evaluate(ByteSource.wrap(message("news@example.com")),
            envelope("203.0.113.66", "bounces@example.com"), Optional.of("pass"));

        assertThat(evaluation.spf().orElseThrow().result()).isEqualTo(SpfResult.PASS);
        assertThat(evaluation.dmarc().result()).isEqualTo(DmarcResult.PASS);
        assertThat(dns.txtQueries()).doesNotContain("example.com");
    }

    @Test
    void anUnknownJamesSpfResultIsCheckedAgain() throws Exception {
        MessageEvaluation evaluation = evaluator.evaluate(ByteSource.wrap(message("news@example.com")),
            envelope("203.0.113.66", "bounces@example.com"), Optional.of("whatever"));

        assertThat(evaluation.spf().orElseThrow().result()).isEqualTo(SpfResult.FAIL);
        assertThat(dns.txtQueries()).contains("example.com");
    }

    @Test
    void aSignatureWithABrokenBodyIsRecordedWithItsReason() throws Exception {
        String signed = new String(author.sign(message("alice@example.com"), "example.com", "sel"), StandardCharsets.UTF_8);

        MessageEvaluation evaluation = evaluate(signed.replace("shipped", "been lost").getBytes(StandardCharsets.UTF_8),
            envelope("203.0.113.66", "alice@example.com"));

        assertThat(evaluation.record().dkim()).singleElement().satisfies(dkim -> {
            assertThat(dkim.result().known()).isEqualTo(DkimResult.FAIL);
            assertThat(dkim.humanResult()).contains("body hash did not verify");
            assertThat(dkim.selector()).contains("sel");
        });
        assertThat(evaluation.dmarc().result()).isEqualTo(DmarcResult.FAIL);
    }

    @Test
    void theRecordSurvivesTheSpool() throws Exception {
        byte[] signed = author.sign(message("alice@example.com"), "example.com", "sel");
        EvaluationRecord record = evaluate(signed, envelope("203.0.113.50", "alice@example.com")).record();

        assertThat(EvaluationRecordCodec.fromLine(EvaluationRecordCodec.toLine(record))).isEqualTo(record);
    }

    @Test
    void oneEvaluatorServesManyThreads() throws Exception {
        byte[] signed = author.sign(message("alice@example.com"), "example.com", "sel");
        byte[] spoofed = message("ceo@example.com");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<DmarcResult>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                boolean genuine = i % 2 == 0;
                results.add(pool.submit(() -> evaluate(genuine ? signed : spoofed, envelope("203.0.113.66", "x@example.com"))
                    .dmarc().result()));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(i % 2 == 0 ? DmarcResult.PASS : DmarcResult.FAIL);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
