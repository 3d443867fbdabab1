package io.jamesdmarc.storage.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.google.common.io.ByteSource;
import com.google.common.net.InetAddresses;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.evaluation.EvaluationSettings;
import io.jamesdmarc.model.evaluation.message.MessageEvaluator;
import io.jamesdmarc.model.evaluation.message.SmtpEnvelope;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.testing.DkimTestKey;
import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.storage.testing.EvaluationFixtures;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * Evaluations as the mailet will make them (whole messages through DKIM, SPF and DMARC against a DNS
 * server on loopback) through the recorder into MariaDB, read back equal, and counted in the
 * aggregate report of their policy domain.
 */
class RecordedMessageEvaluationsTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final Instant ARRIVAL = Instant.parse("2026-05-20T10:15:30Z");
    private static DkimTestKey author;
    private static DkimTestKey esp;
    private static LoopbackDnsServer dns;

    @TempDir
    Path spool;

    @BeforeAll
    static void zone() {
        author = DkimTestKey.generate(2048);
        esp = DkimTestKey.generate(2048);
        dns = LoopbackDnsServer.start("""
            _dmarc.example.com.    TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com; ruf=mailto:fail@example.com; fo=1"
            example.com.           TXT "v=spf1 ip4:192.0.2.0/24 -all"
            esp.example.           TXT "v=spf1 ip4:198.51.100.0/24 -all"
            """);
        author.publish(dns, "sel", "example.com");
        esp.publish(dns, "esp1", "esp.example");
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static byte[] message(String from, int n) {
        return ("From: " + from + "\r\n"
            + "To: bob@example.net\r\n"
            + "Subject: =?UTF-8?Q?caf=C3=A9_order_" + n + "?=\r\n"
            + "Message-ID: <order-" + n + "@example.com>\r\n"
            + "\r\n"
            + "Your order has shipped.\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static SmtpEnvelope envelope(String ip, String mailFrom) {
        return new SmtpEnvelope(InetAddresses.forString(ip), Optional.of("client.example"), Optional.of(mailFrom),
            List.of("bob@example.net"), ARRIVAL);
    }

    @Test
    void evaluatedMessagesAreRecordedAndReadBackEqual() throws Exception {
        MessageEvaluator evaluator = new MessageEvaluator(new DnsResolver(DnsSettings.of(List.of(dns.address()))), "mx.example.net",
            EvaluationSettings.DEFAULTS);
        List<EvaluationRecord> records = new ArrayList<>();
        for (int n = 0; n < 6; n++) {
            byte[] signedByAuthor = author.sign(esp.sign(message("Shop <orders@example.com>", n), "esp.example", "esp1"),
                "example.com", "sel");
            records.add(evaluator.evaluate(ByteSource.wrap(signedByAuthor), envelope("198.51.100.7", "bounces@esp.example"),
                Optional.empty()).record());
            // forged: From example.com, sent from the ESP's network without the author's signature
            byte[] forged = esp.sign(message("Bank <alerts@example.com>", n), "esp.example", "esp1");
            records.add(evaluator.evaluate(ByteSource.wrap(forged), envelope("198.51.100.9", "x@esp.example"), Optional.empty())
                .record());
        }
        assertThat(records).filteredOn(r -> r.failure().isPresent()).hasSize(12);

        try (EvaluationRecorder recorder = EvaluationRecorder.start(DB.dataSource(), "test", RecorderSettings.defaults(spool)
            .withBatch(100, Duration.ofMillis(20)), RecorderListener.NONE)) {
            records.forEach(recorder::record);
        }

        EvaluationRepository repository = new EvaluationRepository(DB.dataSource());
        assertThat(repository.find(records.stream().map(EvaluationRecord::id).toList()).values())
            .containsExactlyElementsOf(records.stream().map(EvaluationFixtures::asStored).toList());
        Instant day = Instant.parse("2026-01-01T00:00:00Z");
        Instant later = Instant.now().plusSeconds(86_400);
        ReportablePolicy policy = repository.reportablePolicies(day, later).getFirst();
        assertThat(policy.policyDomain()).isEqualTo("example.com");
        assertThat(policy.record()).isEqualTo("v=DMARC1; p=reject; rua=mailto:dmarc@example.com; ruf=mailto:fail@example.com; fo=1");
        assertThat(repository.aggregateRows("example.com", policy.policyHash(), day, later))
            .extracting(row -> row.sourceIp().text() + " " + row.policyEvaluated().disposition().text() + " dkim="
                + row.dkim().stream().map(d -> d.domain() + ":" + d.result().text()).toList() + " " + row.count())
            .containsExactly("198.51.100.7 pass dkim=[esp.example:pass, example.com:pass] 6",
                "198.51.100.9 reject dkim=[esp.example:pass] 6");
        assertThat(repository.failureReportsDue(100)).hasSize(12);
    }
}
