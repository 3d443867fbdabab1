package io.jamesdmarc.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.GZIPInputStream;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.Validator;

import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.mailets.MockPublicKeyRecordRetriever;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.mailets.testing.DmarcZone;
import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.mailets.testing.StandInRecorder;
import io.jamesdmarc.model.testing.AggregateSchemas;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.model.testing.DkimTestKey;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.outbound.ReportOutcome;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * The aggregate reporter end to end, in James's real processors: evaluations recorded by
 * {@code DmarcEvaluate} from mail of domains of each policy (loopback DNS, a real database), the
 * reports made and sent into the {@code dmarc-reports} processor, signed there by James's own
 * {@code DKIMSign}, caught at the {@code RemoteDelivery} stand-in; then, in a receiving James, their
 * signatures verified by James's {@code DKIMVerify}, their XML validated against the RFC 9990 XSD, and
 * the reports stored by {@code DmarcReportReceiver} with the counts of the evaluations they report.
 */
class DmarcAggregateReporterTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final String RECIPIENT = "bob@example.com";
    private static final List<String> RUAS = List.of("dmarc@" + DmarcZone.REJECT, "dmarc@" + DmarcZone.QUARANTINE,
        "dmarc@" + DmarcZone.NONE, "dmarc@" + DmarcZone.TESTING);

    private static DmarcZone zone;
    private static DkimTestKey ourKey;

    @BeforeAll
    static void start() {
        zone = DmarcZone.start();
        ourKey = DkimTestKey.generate(2048);
    }

    @AfterAll
    static void stop() {
        zone.close();
    }

    @BeforeEach
    void empty() throws Exception {
        DB.truncateAll();
    }

    /** The sending server: DmarcEvaluate in root, the reporter, DKIMSign and RemoteDelivery in dmarc-reports. */
    static String sendingJames(String reporterParameters) {
        return """
            <mailetcontainer>
              <processors enableJmx="false">
                <processor state="root" enableJmx="false">
                  <mailet match="All" class="io.jamesdmarc.mailets.DmarcEvaluate"><enforcement>enforce</enforcement></mailet>
                  <mailet match="All" class="LocalDelivery"/>
                </processor>
                <processor state="dmarc-reports" enableJmx="false">
                  <mailet match="All" class="io.jamesdmarc.mailets.DmarcAggregateReporter">%s</mailet>
                  <mailet match="All" class="org.apache.james.jdkim.mailets.DKIMSign">
                    <signatureTemplate>v=1; s=sel; d=example.com; h=from:to:subject:date:message-id:mime-version:content-type:auto-submitted; a=rsa-sha256; bh=; b=;</signatureTemplate>
                    <privateKey>%s</privateKey>
                  </mailet>
                  <mailet match="All" class="RemoteDelivery"/>
                </processor>
                <processor state="error" enableJmx="false">
                  <mailet match="All" class="ToRepository"><repositoryPath>memory://var/mail/error/</repositoryPath></mailet>
                </processor>
              </processors>
            </mailetcontainer>
            """.formatted(reporterParameters, ourKey.privateKeyPem());
    }

    /** The receiving server of the rua addresses: DKIMVerify, then the report receiver. */
    static String receivingJames() {
        return """
            <mailetcontainer>
              <processors enableJmx="false">
                <processor state="root" enableJmx="false">
                  <mailet match="All" class="org.apache.james.jdkim.mailets.DKIMVerify"/>
                  <mailet match="RecipientIs=%s" class="io.jamesdmarc.mailets.DmarcReportReceiver">
                    <onMailetException>propagate</onMailetException>
                  </mailet>
                  <mailet match="All" class="LocalDelivery"/>
                </processor>
                <processor state="error" enableJmx="false">
                  <mailet match="All" class="ToRepository"><repositoryPath>memory://var/mail/error/</repositoryPath></mailet>
                </processor>
              </processors>
            </mailetcontainer>
            """.formatted(String.join(",", RUAS));
    }

    static String dmarcProperties(String extra) {
        return "db.url = " + DB.config().url() + "\ndb.user = " + DB.config().user() + "\ndb.password = " + DB.config().password() + "\n"
            + "dns.servers = " + zone.dnsServers() + "\ndns.timeoutMillis = 300\ndns.attempts = 1\n"
            + "evaluations.batchDelayMillis = 10\nevaluations.retrySeconds = 1\n" + extra;
    }

    @Test
    void roundTripEvaluationsReportedSignedVerifiedValidAndIngestedToTheSameCounts() throws Exception {
        Schema schema = AggregateSchemas.rfc9990(Corpus.require());
        Map<String, Integer> expected = new HashMap<>();
        List<MailImpl> inbound = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            inbound.add(InboundMail.of("Mail-signed-" + i, zone.sign(DmarcZone.message("Alice <alice@" + DmarcZone.REJECT + ">",
                "signed-" + i + "@example.org"), DmarcZone.REJECT), "alice@" + DmarcZone.REJECT, RECIPIENT));
        }
        expected.put(DmarcZone.REJECT, 4 + 3);
        for (int i = 0; i < 3; i++) {
            inbound.add(spoof("Mail-spoof-" + i, DmarcZone.REJECT));
        }
        for (int i = 0; i < 2; i++) {
            inbound.add(InboundMail.of("Mail-spf-" + i, DmarcZone.message("news@" + DmarcZone.QUARANTINE, "spf-" + i + "@q"),
                "bounces@" + DmarcZone.QUARANTINE, RECIPIENT));
        }
        expected.put(DmarcZone.QUARANTINE, 2);
        inbound.add(spoof("Mail-none", DmarcZone.NONE));
        expected.put(DmarcZone.NONE, 1);
        inbound.add(spoof("Mail-testing", DmarcZone.TESTING));
        expected.put(DmarcZone.TESTING, 1);
        inbound.add(spoof("Mail-nopolicy", DmarcZone.NO_POLICY));

        List<MailImpl> reportMails = new ArrayList<>();
        try (JamesPipeline sending = JamesPipeline.builder().mailetContainerXml(sendingJames(""))
                .dmarcProperties(dmarcProperties("aggregateCheckIntervalSeconds = 86400\n")).start()) {
            for (MailImpl mail : inbound) {
                sending.service(mail);
            }
            EvaluationRepository evaluations = new EvaluationRepository(DB.dataSource());
            await(Duration.ofSeconds(20), () -> evaluations.count() == inbound.size());

            DmarcAggregateReporter reporter = (DmarcAggregateReporter) sending.mailets("dmarc-reports").get(0);
            List<ReportOutcome> outcomes = reporter.sendDue(Instant.now().plus(Duration.ofDays(2)));
            assertThat(outcomes).extracting(ReportOutcome::status).containsOnly(ReportOutcome.Status.SENT).hasSize(4);
            assertThat(sending.metrics().countFor(DmarcAggregateReporter.METRIC_SENT)).isEqualTo(4);

            List<FakeMailContext.SentMail> sent = sending.sentMails();
            assertThat(sent).hasSize(4).allSatisfy(mail -> {
                assertThat(mail.getState()).isEqualTo("dmarc-reports");
                assertThat(mail.getAttributes()).containsKey(DmarcAttributes.OUTBOUND_REPORT);
                assertThat(mail.getSender().asString()).isEqualTo("noreply-dmarc@example.com");
            });
            // James's spooler runs each in the processor it was sent into: DKIMSign, then RemoteDelivery
            for (FakeMailContext.SentMail mail : sent) {
                MailImpl queued = MailImpl.builder().name("queued-" + reportMails.size()).sender(mail.getSender())
                    .addRecipients(List.copyOf(mail.getRecipients())).mimeMessage(mail.getMsg()).state(mail.getState())
                    .addAttributes(mail.getAttributes().values()).build();
                sending.service(queued);
                reportMails.add(queued);
            }
            assertThat(sending.standIns().seen("RemoteDelivery")).hasSize(4);
            List<StandInRecorder.Seen> delivered = sending.standIns().seen("RemoteDelivery");

            try (JamesPipeline receiving = JamesPipeline.builder().mailetContainerXml(receivingJames())
                    .dmarcProperties(dmarcProperties(""))
                    .module(binder -> binder.bind(PublicKeyRecordRetriever.class)
                        .toInstance(new MockPublicKeyRecordRetriever(ourKey.keyRecord(), "sel", "example.com")))
                    .start()) {
                int n = 0;
                for (StandInRecorder.Seen report : delivered) {
                    String text = new String(report.message(), StandardCharsets.US_ASCII);
                    assertThat(text).startsWith("DKIM-Signature: ").contains("\r\nAuto-Submitted: auto-generated\r\n");
                    validate(schema, gunzippedAttachment(report.message()));
                    MailImpl arriving = InboundMail.of("Arriving-" + n++, report.message(), "noreply-dmarc@example.com",
                        report.recipients());
                    receiving.service(arriving);
                    assertThat(AttributeUtils.getValueAndCastFromMail(arriving, DmarcAttributes.JAMES_DKIM_RESULT, String.class))
                        .as(report.mailName()).get().asString().startsWith("pass");
                }
            }
        }

        SqlProbe sql = new SqlProbe(DB.dataSource());
        Map<String, Integer> stored = new HashMap<>();
        for (String row : sql.strings("SELECT CONCAT(policy_domain, ' ', message_count) FROM aggregate_reports")) {
            stored.put(row.split(" ")[0], Integer.parseInt(row.split(" ")[1]));
        }
        assertThat(stored).isEqualTo(expected);
        assertThat(sql.strings("SELECT DISTINCT CONCAT_WS(' ', org_name, reporter_email, format) FROM aggregate_reports"))
            .containsExactly("example.com noreply-dmarc@example.com rfc9990");
        assertThat(sql.strings("SELECT COUNT(*) FROM outbound_aggregate_reports WHERE state = 'sent'")).containsExactly("4");
        assertThat(sql.strings("SELECT COUNT(*) FROM aggregate_reports a JOIN outbound_aggregate_reports o ON o.report_id = a.report_id"))
            .containsExactly("4");
    }

    @Test
    void theSchedulerStartsInInitSendsWhatIsDueAndStopsInDestroy() throws Exception {
        try (JamesPipeline sending = JamesPipeline.builder().mailetContainerXml(sendingJames(""))
                .dmarcProperties(dmarcProperties("aggregateCheckIntervalSeconds = 1\naggregateSendFrequency = hourly\n"
                    + "aggregateSendDelaySeconds = 0\n")).start()) {
            sending.service(spoof("Mail-scheduled", DmarcZone.REJECT));
            EvaluationRepository evaluations = new EvaluationRepository(DB.dataSource());
            await(Duration.ofSeconds(20), () -> evaluations.count() == 1);
            // as if the hour were over: the evaluation moved two hours back
            try (var connection = DB.dataSource().getConnection(); var statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE evaluations SET evaluated_at = evaluated_at - INTERVAL 2 HOUR");
                statement.executeUpdate("UPDATE evaluation_domains SET evaluated_at = evaluated_at - INTERVAL 2 HOUR");
            }
            await(Duration.ofSeconds(20), () -> sending.sentMails().size() == 1);
            assertThat(sending.sentMails().get(0).getRecipients()).extracting(Object::toString).containsExactly("dmarc@" + DmarcZone.REJECT);
        }
        // destroyed: its thread is gone
        await(Duration.ofSeconds(5), () -> Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().equals("dmarc-aggregate-reporter")));
    }

    @Test
    void neverSendsNothingAndKeepsTheEvaluations() throws Exception {
        try (JamesPipeline sending = JamesPipeline.builder().mailetContainerXml(sendingJames(
                "<aggregateSendFrequency>never</aggregateSendFrequency><aggregateCheckIntervalSeconds>1</aggregateCheckIntervalSeconds>"))
                .dmarcProperties(dmarcProperties("aggregateRetentionDays = 1\n")).start()) {
            sending.service(spoof("Mail-never", DmarcZone.REJECT));
            EvaluationRepository evaluations = new EvaluationRepository(DB.dataSource());
            await(Duration.ofSeconds(20), () -> evaluations.count() == 1);
            try (var connection = DB.dataSource().getConnection(); var statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE evaluations SET evaluated_at = evaluated_at - INTERVAL 30 DAY");
                statement.executeUpdate("UPDATE evaluation_domains SET evaluated_at = evaluated_at - INTERVAL 30 DAY");
            }
            DmarcAggregateReporter reporter = (DmarcAggregateReporter) sending.mailets("dmarc-reports").get(0);
            assertThat(reporter.sendDue(Instant.now())).isEmpty();
            Thread.sleep(2_500);
            assertThat(sending.sentMails()).isEmpty();
            assertThat(evaluations.count()).isEqualTo(1);
        }
    }

    @Test
    void ourOwnReportComingBackIsNotRecorded() throws Exception {
        byte[] ours = zone.sign(DmarcZone.message("DMARC <noreply-dmarc@" + DmarcZone.REJECT + ">", "report-back@example.org"),
            DmarcZone.REJECT);
        try (JamesPipeline sending = JamesPipeline.builder().mailetContainerXml(sendingJames(""))
                .dmarcProperties(dmarcProperties("aggregateFromAddress = noreply-dmarc@" + DmarcZone.REJECT + "\n"
                    + "aggregateDkimSignDomain = " + DmarcZone.REJECT + "\n")).start()) {
            sending.service(InboundMail.of("Mail-ours", ours, "noreply-dmarc@" + DmarcZone.REJECT, RECIPIENT));
            // a spoof of the same address fails DMARC: recorded, and its policy enforced
            sending.service(spoof("Mail-spoofing-ours", DmarcZone.REJECT, "noreply-dmarc@" + DmarcZone.REJECT));
            EvaluationRepository evaluations = new EvaluationRepository(DB.dataSource());
            await(Duration.ofSeconds(20), () -> evaluations.count() == 1);
            Thread.sleep(300);
            assertThat(evaluations.count()).isEqualTo(1);
            assertThat(new SqlProbe(DB.dataSource()).strings("SELECT result FROM evaluations")).containsExactly("fail");
        }
    }

    @Test
    void badConfigurationStopsJamesNamingTheParameter() {
        assertThatThrownBy(() -> startWith("<aggregateSendFrequency>monthly</aggregateSendFrequency>"))
            .hasStackTraceContaining("aggregateSendFrequency must be one of hourly, daily, weekly, never, was 'monthly'");
        assertThatThrownBy(() -> startWith("<aggregateMaxReportSize>100</aggregateMaxReportSize>"))
            .hasStackTraceContaining("aggregateMaxReportSize must be between 2048");
        assertThatThrownBy(() -> startWith("<aggregateDkimSignDomain>other.example</aggregateDkimSignDomain>"))
            .hasStackTraceContaining("does not align with aggregateDkimSignDomain other.example");
        assertThatThrownBy(() -> startWith("<aggregateFrequency>daily</aggregateFrequency>"))
            .hasStackTraceContaining("unknown init parameter [aggregateFrequency]");
        assertThatThrownBy(() -> startWith("<aggregateProcessor>no-such-processor</aggregateProcessor>"))
            .hasStackTraceContaining("undefined processors: [no-such-processor]");
    }

    /** Starts (and stops) a James whose reporter has {@code parameters}: what a bad one does at start-up. */
    private static void startWith(String parameters) throws Exception {
        JamesPipeline.builder().mailetContainerXml(sendingJames(parameters)).dmarcProperties(dmarcProperties("")).start().close();
    }

    private static MailImpl spoof(String name, String domain) throws Exception {
        return spoof(name, domain, "support@" + domain);
    }

    private static MailImpl spoof(String name, String domain, String from) throws Exception {
        MailImpl mail = InboundMail.of(name, DmarcZone.message("Support <" + from + ">", name + "@spoof"), from, RECIPIENT);
        mail.setRemoteAddr(DmarcZone.FORWARDER_ADDRESS);
        return mail;
    }

    /** The gzipped report of a report mail, decompressed. */
    static byte[] gunzippedAttachment(byte[] mail) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(mail));
        MimeMultipart parts = (MimeMultipart) message.getContent();
        for (int i = 0; i < parts.getCount(); i++) {
            Part part = parts.getBodyPart(i);
            if (part.isMimeType("application/gzip")) {
                assertThat(part.getFileName()).matches("example\\.com![a-z.]+!\\d+!\\d+!\\d+\\.[0-9a-f]{12}\\.xml\\.gz");
                try (InputStream in = new GZIPInputStream(part.getInputStream())) {
                    return in.readAllBytes();
                }
            }
        }
        throw new AssertionError("no application/gzip part");
    }

    private static void validate(Schema schema, byte[] xml) throws Exception {
        Validator validator = schema.newValidator();
        validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        validator.validate(new StreamSource(new ByteArrayInputStream(xml)));
    }

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Duration atMost, Condition condition) throws Exception {
        Instant until = Instant.now().plus(atMost);
        while (!condition.holds()) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("not so within " + atMost);
            }
            Thread.sleep(50);
        }
    }
}
