package io.jamesdmarc.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.apache.james.server.core.MailImpl;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.mailets.outbound.failure.FailureReporter.PassSummary;
import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.model.evaluation.record.DomainVerdict;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.failure.FailureReportComposer;
import io.jamesdmarc.model.failure.FailureReportParser;
import io.jamesdmarc.model.failure.LocalPartRedaction;
import io.jamesdmarc.model.testing.DkimTestKey;
import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * DmarcFailureReporter after DmarcEvaluate in James's real processor, against DNS on loopback and a
 * real database: which messages get a failure report under each {@code fo} value, what the report
 * says (parsed back by our own parser), external destinations, redaction, and what the store shows.
 */
class DmarcFailureReporterTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    static final String RECIPIENT = "bob@example.com";
    static final String FORWARDER = "203.0.113.50";
    static final String SELECTOR = "sel";
    static final String SPF = "v=spf1 ip4:" + InboundMail.REMOTE_ADDRESS + " -all";

    private static LoopbackDnsServer dns;
    private static final Map<String, DkimTestKey> KEYS = new TreeMap<>();
    private SqlProbe sql;

    @BeforeAll
    static void startDns() {
        StringBuilder zone = new StringBuilder();
        for (String fo : List.of("0", "1", "d", "s")) {
            String domain = "fo" + fo + ".example";
            zone.append("_dmarc.").append(domain).append(". TXT \"v=DMARC1; p=reject; ruf=mailto:ruf@").append(domain)
                .append("; fo=").append(fo).append("\"\n");
            zone.append(domain).append(". TXT \"").append(SPF).append("\"\n");
        }
        zone.append("_dmarc.ext.example. TXT \"v=DMARC1; p=reject; ruf=mailto:ruf@reports.thirdparty.example,"
            + "mailto:ruf@consenting.example; fo=0\"\n");
        zone.append("ext.example. TXT \"").append(SPF).append("\"\n");
        zone.append("ext.example._report._dmarc.consenting.example. TXT \"v=DMARC1\"\n");
        dns = LoopbackDnsServer.start(zone.toString());
        for (String fo : List.of("0", "1", "d", "s")) {
            KEYS.put("fo" + fo + ".example", DkimTestKey.generate(1024).publish(dns, SELECTOR, "fo" + fo + ".example"));
        }
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    @BeforeEach
    void emptyStore() throws Exception {
        DB.truncateAll();
        sql = new SqlProbe(DB.dataSource());
    }

    static String mailetContainer(String reporterParameters) {
        return """
            <mailetcontainer>
              <processors enableJmx="false">
                <processor state="root" enableJmx="false">
                  <mailet match="All" class="io.jamesdmarc.mailets.DmarcEvaluate"/>
                  <mailet match="All" class="io.jamesdmarc.mailets.DmarcFailureReporter">%s</mailet>
                  <mailet match="All" class="LocalDelivery"/>
                </processor>
                <processor state="dmarc-reports" enableJmx="false">
                  <mailet match="All" class="RemoteDelivery"/>
                </processor>
                <processor state="error" enableJmx="false">
                  <mailet match="All" class="ToRepository"><repositoryPath>memory://var/mail/error/</repositoryPath></mailet>
                </processor>
              </processors>
            </mailetcontainer>
            """.formatted(reporterParameters);
    }

    static String dmarcProperties() {
        return "db.url = " + DB.config().url() + "\ndb.user = " + DB.config().user() + "\ndb.password = " + DB.config().password() + "\n"
            + "dns.servers = 127.0.0.1:" + dns.address().getPort() + "\ndns.timeoutMillis = 500\ndns.attempts = 1\n"
            + "evaluations.batchDelayMillis = 10\nevaluations.retrySeconds = 1\n";
    }

    static JamesPipeline james(String reporterParameters) throws Exception {
        return JamesPipeline.builder().mailetContainerXml(mailetContainer(reporterParameters)).dmarcProperties(dmarcProperties()).start();
    }

    static DmarcFailureReporter reporter(JamesPipeline james) {
        return james.mailets("root").stream().filter(DmarcFailureReporter.class::isInstance).map(DmarcFailureReporter.class::cast)
            .findFirst().orElseThrow();
    }

    /** Unsigned, from a server outside the domain's SPF record: DKIM none, SPF fail, DMARC fail. */
    static MailImpl spoof(String domain, String id) throws Exception {
        MailImpl mail = InboundMail.of(id, message("Support <support@" + domain + ">", id), "support@" + domain, RECIPIENT);
        mail.setRemoteAddr(FORWARDER);
        return mail;
    }

    /** Signed by the domain, relayed by a forwarder: DKIM pass (aligned), SPF fail; DMARC pass. */
    static MailImpl forwarded(String domain, String id) throws Exception {
        byte[] signed = KEYS.get(domain).sign(message("Alice <alice@" + domain + ">", id), domain, SELECTOR);
        MailImpl mail = InboundMail.of(id, signed, "alice@" + domain, RECIPIENT);
        mail.setRemoteAddr(FORWARDER);
        return mail;
    }

    /** From the domain's own server, but its body changed after signing: DKIM fail, SPF pass (aligned); DMARC pass. */
    static MailImpl brokenSignature(String domain, String id) throws Exception {
        byte[] signed = KEYS.get(domain).sign(message("Alice <alice@" + domain + ">", id), domain, SELECTOR);
        byte[] changed = new String(signed, StandardCharsets.UTF_8).replace("Please find", "Please pay").getBytes(StandardCharsets.UTF_8);
        return InboundMail.of(id, changed, "alice@" + domain, RECIPIENT);
    }

    static byte[] message(String from, String id) {
        return ("From: " + from + "\r\nTo: Bob <" + RECIPIENT + ">\r\nCc: carol@example.com\r\nSubject: Invoice " + id
            + "\r\nDate: Mon, 1 Jun 2026 08:00:00 +0000\r\nMessage-ID: <" + id + "@example.org>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\nPlease find the invoice below.\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Runs the evaluated mails' reports: waits for the evaluations to be stored, then passes until none is due. */
    static void sendAll(JamesPipeline james, long evaluations) throws Exception {
        EvaluationRepository repository = new EvaluationRepository(DB.dataSource());
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (repository.count() < evaluations) {
            assertThat(System.nanoTime()).as("evaluations stored in time").isLessThan(deadline);
            Thread.sleep(20);
        }
        SqlProbe probe = new SqlProbe(DB.dataSource());
        do {
            reporter(james).sendDueReports();
            assertThat(System.nanoTime()).as("every report settled in time").isLessThan(deadline);
        } while (!probe.strings("SELECT failure_report_state FROM evaluation_domains WHERE failure_report_state IN ('due', 'sending')")
            .isEmpty());
    }

    /** The report mails the reporter handed to James, as they travel (written out and read again). */
    static List<MimeMessage> reportMails(JamesPipeline james) throws Exception {
        List<MimeMessage> mails = new ArrayList<>();
        for (FakeMailContext.SentMail sent : james.sentMails()) {
            assertThat(sent.getState()).isEqualTo("dmarc-reports");
            assertThat(sent.getAttributes()).containsKey(DmarcAttributes.OUTBOUND_REPORT);
            mails.add(wire(sent.getMsg()));
        }
        return mails;
    }

    static MimeMessage wire(MimeMessage message) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        message.writeTo(bytes);
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes.toByteArray()));
    }

    static FailureReport parse(MimeMessage mail) throws Exception {
        return new FailureReportParser().parse(mail);
    }

    static String field(FailureReport report, String name) {
        return report.fields().stream().filter(f -> f.name().equals(name)).map(FailureReport.Field::value).findFirst().orElse(null);
    }

    @Test
    void eachFoValueReportsTheMessagesItAsksFor() throws Exception {
        try (JamesPipeline james = james("<failureSendFrequency>100 per 1 day</failureSendFrequency>"
            + "<failurePollSeconds>3600</failurePollSeconds>")) {
            int mails = 0;
            for (String fo : List.of("0", "1", "d", "s")) {
                String domain = "fo" + fo + ".example";
                james.service(spoof(domain, "spoof-" + fo));
                james.service(forwarded(domain, "forwarded-" + fo));
                james.service(brokenSignature(domain, "broken-" + fo));
                mails += 3;
            }
            sendAll(james, mails);

            Map<String, List<String>> reported = new TreeMap<>();
            for (MimeMessage mail : reportMails(james)) {
                FailureReport report = parse(mail);
                String subject = report.reportedMessage().orElseThrow().subject().orElseThrow();
                reported.computeIfAbsent(mail.getRecipients(MimeMessage.RecipientType.TO)[0].toString(), k -> new ArrayList<>())
                    .add(subject.substring("Invoice ".length()));
            }
            reported.values().forEach(list -> list.sort(null));
            // fo=0: no aligned pass at all; fo=1: any mechanism without an aligned pass; d: a DKIM signature failed; s: SPF failed
            assertThat(reported).containsExactly(
                Map.entry("ruf@fo0.example", List.of("spoof-0")),
                Map.entry("ruf@fo1.example", List.of("broken-1", "forwarded-1", "spoof-1")),
                Map.entry("ruf@fod.example", List.of("broken-d")),
                Map.entry("ruf@fos.example", List.of("forwarded-s", "spoof-s")));
            assertThat(sql.strings("SELECT CONCAT(outcome, ' ', reason) FROM failure_report_sends")).hasSize(7).containsOnly("sent sent");
        }
    }

    @Test
    void reportsAreAfrfThatParseBackWithEveryFieldAsGenerated() throws Exception {
        try (JamesPipeline james = james("<failureSendFrequency>100 per 1 day</failureSendFrequency>"
            + "<failurePollSeconds>3600</failurePollSeconds>")) {
            james.service(spoof("fo1.example", "spoof-p"));
            james.service(brokenSignature("fo1.example", "broken-p"));
            sendAll(james, 2);

            EvaluationRepository repository = new EvaluationRepository(DB.dataSource());
            List<MimeMessage> mails = reportMails(james);
            assertThat(mails).hasSize(2);
            FailureReportComposer composer = new FailureReportComposer(JamesPipeline.DEFAULT_DOMAIN, "james-dmarc/1",
                LocalPartRedaction.of(LocalPartRedaction.Scope.RECIPIENTS, Optional.empty()));
            for (MimeMessage mail : mails) {
                assertThat(mail.getContentType()).startsWith("multipart/report").contains("report-type=feedback-report");
                assertThat(mail.getFrom()[0].toString()).isEqualTo("Report Subsystem <noreply-dmarc@example.com>");
                assertThat(mail.getSubject()).isEqualTo("DMARC Authentication Failure Report");
                assertThat(mail.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
                FailureReport parsed = parse(mail);
                String id = parsed.reportedMessage().orElseThrow().subject().orElseThrow().endsWith("spoof-p") ? "spoof-p" : "broken-p";
                String recordId = sql.strings("SELECT record_id FROM evaluations WHERE message_id = '<" + id + "@example.org>'").getFirst();
                EvaluationRecord record = repository.find(recordId).orElseThrow();
                DomainVerdict verdict = record.domains().getFirst();
                FailureReport generated = composer.compose(record, verdict,
                    FailureReportComposer.spfDnsDomain(record, verdict).map(d -> FailureReportComposer.spfDns(d, SPF)),
                    FailureReportComposer.AlignmentCheck.SAME_DOMAIN);

                assertThat(parsed).isEqualTo(generated);
                assertThat(parsed.kind()).isEqualTo(FailureReport.Kind.AFRF);
                assertThat(parsed.feedbackType()).contains("auth-failure");
                assertThat(parsed.authFailure()).contains("dmarc");
                assertThat(parsed.reportedDomain()).contains("fo1.example");
                assertThat(parsed.originalRcptTo()).containsExactly("<redacted@example.com>");
                assertThat(parsed.arrivalTime()).isPresent();
                assertThat(parsed.reportedMessage().orElseThrow().fullMessage()).isFalse();
                assertThat(parsed.reportedMessage().orElseThrow().headers()).contains("To: Bob <redacted@example.com>")
                    .doesNotContain(RECIPIENT).contains("@fo1.example>");
                if (id.equals("spoof-p")) {
                    // RFC 9991: the mechanisms that failed to authenticate an aligned identity (MAIL FROM is in fo1.example)
                    assertThat(parsed.identityAlignment()).contains("spf");
                    assertThat(parsed.sourceIp().orElseThrow().getHostAddress()).isEqualTo(FORWARDER);
                    assertThat(parsed.originalMailFrom()).contains("<support@fo1.example>");
                    assertThat(parsed.spfDns()).contains("txt : fo1.example : " + SPF);
                    assertThat(parsed.dkimDomain()).isEmpty();
                    assertThat(parsed.authenticationResults()).containsExactly("example.com; dkim=none; spf=fail smtp.mailfrom=fo1.example; "
                        + "dmarc=fail header.from=fo1.example");
                    // DmarcEvaluate monitors (its default): the spoof was delivered, and the report says what was done
                    assertThat(parsed.deliveryResult()).contains("delivered");
                } else {
                    assertThat(parsed.identityAlignment()).contains("dkim");
                    assertThat(parsed.sourceIp().orElseThrow().getHostAddress()).isEqualTo(InboundMail.REMOTE_ADDRESS);
                    assertThat(parsed.dkimDomain()).contains("fo1.example");
                    assertThat(parsed.dkimSelector()).contains(SELECTOR);
                    assertThat(parsed.dkimIdentity()).contains("@fo1.example");
                    assertThat(parsed.spfDns()).as("SPF passed").isEmpty();
                    assertThat(parsed.authenticationResults().getFirst()).startsWith("example.com; dkim=fail header.d=fo1.example header.s=sel; "
                        + "spf=pass smtp.mailfrom=fo1.example; dmarc=pass header.from=fo1.example");
                    assertThat(parsed.deliveryResult()).contains("delivered");
                }
            }
        }
    }

    @Test
    void anUnverifiedExternalDestinationGetsNothingAndAConsentingOneGetsTheReport() throws Exception {
        try (JamesPipeline james = james("<failurePollSeconds>3600</failurePollSeconds>")) {
            james.service(spoof("ext.example", "spoof-ext"));
            sendAll(james, 1);

            List<MimeMessage> mails = reportMails(james);
            assertThat(mails).hasSize(1);
            assertThat(mails.getFirst().getRecipients(MimeMessage.RecipientType.TO)[0].toString()).isEqualTo("ruf@consenting.example");
            assertThat(sql.strings("SELECT CONCAT_WS(' ', destination, outcome, reason) FROM failure_report_sends ORDER BY id"))
                .containsExactly("ruf@reports.thirdparty.example suppressed not_authorised", "ruf@consenting.example sent sent");
            assertThat(sql.strings("SELECT detail FROM failure_report_sends WHERE reason = 'not_authorised'").getFirst())
                .contains("ext.example._report._dmarc.reports.thirdparty.example");
            assertThat(sql.strings("SELECT failure_report_state FROM evaluation_domains")).containsExactly("sent");

            // README.md, "DmarcFailureReporter": the day's suppressed reports and why; what became of one message's report
            assertThat(sql.strings("SELECT CONCAT_WS(' ', reason, destination, n) FROM (SELECT reason, destination, COUNT(*) AS n "
                + "FROM failure_report_sends WHERE decided_at >= UTC_DATE() AND outcome = 'suppressed' GROUP BY reason, destination "
                + "ORDER BY 3 DESC) q")).containsExactly("not_authorised ruf@reports.thirdparty.example 1");
            assertThat(sql.strings("SELECT s.destination FROM failure_report_sends s JOIN evaluations e ON e.record_id = s.record_id "
                + "WHERE e.message_id = '<spoof-ext@example.org>'")).containsExactlyInAnyOrder("ruf@reports.thirdparty.example",
                "ruf@consenting.example");
        }
    }

    @Test
    void redactionAllHidesEveryAddressWithAKeyedHashThatIsStableAcrossReports() throws Exception {
        try (JamesPipeline james = james("<failureSendFrequency>100 per 1 day</failureSendFrequency><failureRedact>all</failureRedact>"
            + "<failureRedactionSecret>s3cret</failureRedactionSecret><failurePollSeconds>3600</failurePollSeconds>")) {
            james.service(spoof("fo0.example", "spoof-r1"));
            james.service(spoof("fo0.example", "spoof-r2"));
            sendAll(james, 2);

            List<MimeMessage> mails = reportMails(james);
            assertThat(mails).hasSize(2);
            List<String> rcptTo = new ArrayList<>();
            for (MimeMessage mail : mails) {
                FailureReport report = parse(mail);
                assertThat(report.originalMailFrom().orElseThrow()).matches("<redacted-[0-9a-f]{16}@fo0\\.example>");
                rcptTo.add(report.originalRcptTo().getFirst());
                String headers = report.reportedMessage().orElseThrow().headers();
                assertThat(headers).doesNotContain("bob@", "carol@", "support@")
                    .containsPattern("From: Support <redacted-[0-9a-f]{16}@fo0\\.example>")
                    .containsPattern("Cc: redacted-[0-9a-f]{16}@example\\.com")
                    .contains("Message-ID: <spoof-r");
            }
            assertThat(rcptTo.get(0)).matches("<redacted-[0-9a-f]{16}@example\\.com>").isEqualTo(rcptTo.get(1));
        }
    }

    @Test
    void withIncludeMessageTheReportCarriesTheWholeMessageRedactedAndTheCopyIsDeletedOnceSent() throws Exception {
        try (JamesPipeline james = james("<failureIncludeMessage>true</failureIncludeMessage><failurePollSeconds>3600</failurePollSeconds>"
            + "<failureSendFrequency>10 per 1 day</failureSendFrequency>")) {
            james.service(spoof("fo0.example", "spoof-full"));
            awaitKept(1);
            sendAll(james, 1);

            List<MimeMessage> mails = reportMails(james);
            assertThat(mails).hasSize(1);
            FailureReport parsed = parse(mails.getFirst());
            assertThat(parsed.reportedMessage().orElseThrow().fullMessage()).isTrue();
            assertThat(parsed.reportedMessage().orElseThrow().headers()).contains("To: Bob <redacted@example.com>")
                .contains("Authentication-Results: example.com;").doesNotContain(RECIPIENT);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            mails.getFirst().writeTo(wire);
            String text = wire.toString(StandardCharsets.UTF_8);
            assertThat(text).contains("Content-Type: message/rfc822").contains("Please find the invoice below.");

            EvaluationRecord record = new EvaluationRepository(DB.dataSource())
                .find(sql.strings("SELECT record_id FROM evaluations").getFirst()).orElseThrow();
            FailureReport headersOnly = new FailureReportComposer(JamesPipeline.DEFAULT_DOMAIN, "james-dmarc/1",
                LocalPartRedaction.of(LocalPartRedaction.Scope.RECIPIENTS, Optional.empty()))
                .compose(record, record.domains().getFirst(), Optional.of(FailureReportComposer.spfDns("fo0.example", SPF)),
                    FailureReportComposer.AlignmentCheck.SAME_DOMAIN);
            assertThat(parsed.fields()).isEqualTo(headersOnly.fields());
            assertThat(sql.count("failure_report_messages")).as("deleted once no report needs it").isZero();
        }
    }

    @Test
    void aMessageLargerThanTheLimitIsReportedWithItsHeaderOnly() throws Exception {
        try (JamesPipeline james = james("<failureIncludeMessage>true</failureIncludeMessage><failureMessageMaxBytes>1024</failureMessageMaxBytes>"
            + "<failurePollSeconds>3600</failurePollSeconds>")) {
            StringBuilder body = new StringBuilder(new String(message("Support <support@fo0.example>", "spoof-large"), StandardCharsets.UTF_8));
            while (body.length() < 4096) {
                body.append("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n");
            }
            MailImpl mail = InboundMail.of("spoof-large", body.toString().getBytes(StandardCharsets.UTF_8), "support@fo0.example", RECIPIENT);
            mail.setRemoteAddr(FORWARDER);
            james.service(mail);
            sendAll(james, 1);

            List<MimeMessage> mails = reportMails(james);
            assertThat(mails).hasSize(1);
            assertThat(parse(mails.getFirst()).reportedMessage().orElseThrow().fullMessage()).isFalse();
            assertThat(sql.count("failure_report_messages")).isZero();
        }
    }

    private void awaitKept(long messages) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sql.count("failure_report_messages") < messages) {
            assertThat(System.nanoTime()).as("message kept in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void theMailetThreadSendsWithoutBeingAskedOnceAMailWasEvaluated() throws Exception {
        try (JamesPipeline james = james("<failurePollSeconds>3600</failurePollSeconds>")) {
            james.service(spoof("fo0.example", "spoof-wake"));

            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (james.sentMails().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(reportMails(james)).hasSize(1);
            assertThat(sql.strings("SELECT CONCAT_WS(' ', reason, reporter IS NOT NULL, report_message_id LIKE '<dmarc-failure.%@example.com>') "
                + "FROM failure_report_sends")).containsExactly("sent 1 1");
        }
    }

    static final String LIMITED = "<failureSendFrequency>3 per 1 day</failureSendFrequency><failureBatchSize>1</failureBatchSize>"
        + "<failurePollSeconds>3600</failurePollSeconds>";

    /** Runs {@code task(i)} for i in [0, n) on n threads started together; fails on any thread's failure. */
    static void concurrently(int n, ThrowingTask task) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            futures.add(threads.submit(() -> {
                start.await();
                task.run(index);
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();
    }

    @FunctionalInterface
    interface ThrowingTask {
        void run(int index) throws Exception;
    }

    @Test
    void twentyConcurrentFailuresToOneAddressSendExactlyTheLimit() throws Exception {
        try (JamesPipeline james = james(LIMITED)) {
            concurrently(20, i -> james.service(spoof("fo0.example", "spoof-c" + i)));
            awaitStored(20);
            concurrently(20, i -> reporter(james).sendDueReports());
            sendAll(james, 20);

            assertThat(reportMails(james)).hasSize(3);
            assertLimitHeld();
        }
    }

    @Test
    void twoReportersOnOneDatabaseShareTheLimitAndNeverSendAReportTwice() throws Exception {
        try (JamesPipeline first = james(LIMITED); JamesPipeline second = james(LIMITED)) {
            List<JamesPipeline> nodes = List.of(first, second);
            concurrently(20, i -> nodes.get(i % 2).service(spoof("fo0.example", "spoof-n" + i)));
            awaitStored(20);
            concurrently(20, i -> reporter(nodes.get(i % 2)).sendDueReports());
            sendAll(first, 20);

            assertThat(reportMails(first).size() + reportMails(second).size()).isEqualTo(3);
            assertLimitHeld();
        }
    }

    /** 3 of the 20 reports sent, 17 suppressed by the limit, each decided once, and the store says so. */
    private void assertLimitHeld() throws Exception {
        assertThat(sql.strings("SELECT CONCAT(outcome, ' ', reason, ' ', COUNT(*)) FROM failure_report_sends GROUP BY outcome, reason "
            + "ORDER BY outcome")).containsExactly("sent sent 3", "suppressed rate_limited 17");
        assertThat(sql.longs("SELECT COUNT(DISTINCT record_id) FROM failure_report_sends")).containsExactly(20L);
        assertThat(sql.strings("SELECT CONCAT(failure_report_state, ' ', COUNT(*)) FROM evaluation_domains GROUP BY failure_report_state "
            + "ORDER BY failure_report_state")).containsExactly("sent 3", "suppressed 17");
        assertThat(sql.strings("SELECT CONCAT_WS(' ', destination, sent, suppressed) FROM failure_report_limits"))
            .containsExactly("ruf@fo0.example 3 17");
    }

    static void awaitStored(long evaluations) throws Exception {
        EvaluationRepository repository = new EvaluationRepository(DB.dataSource());
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (repository.count() < evaluations) {
            assertThat(System.nanoTime()).as("evaluations stored in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void disabledReportsAreSuppressedAndSaySo() throws Exception {
        try (JamesPipeline james = james("<failureSendFrequency>false</failureSendFrequency><failurePollSeconds>3600</failurePollSeconds>")) {
            james.service(spoof("fo0.example", "spoof-off"));
            sendAll(james, 1);
            PassSummary again = reporter(james).sendDueReports();

            assertThat(james.sentMails()).isEmpty();
            assertThat(again.claimed()).isZero();
            assertThat(sql.strings("SELECT CONCAT_WS(' ', outcome, reason) FROM failure_report_sends")).containsExactly("suppressed disabled");
            assertThat(sql.strings("SELECT failure_report_state FROM evaluation_domains")).containsExactly("suppressed");
        }
    }

    @Test
    void badSettingsStopJamesNamingTheParameter() {
        assertThatThrownBy(() -> james("<failureSendFrequency>often</failureSendFrequency>").close())
            .hasStackTraceContaining("failureSendFrequency");
        assertThatThrownBy(() -> james("<failureRedact>some</failureRedact>").close()).hasStackTraceContaining("failureRedact");
        assertThatThrownBy(() -> james("<failureDkimSignDomain>other.example</failureDkimSignDomain>").close())
            .hasStackTraceContaining("not aligned");
        assertThatThrownBy(() -> james("<failureMessageMaxBytes>10</failureMessageMaxBytes>").close())
            .hasStackTraceContaining("failureMessageMaxBytes");
        assertThatThrownBy(() -> james("<failureFrequency>1 per day</failureFrequency>").close())
            .hasStackTraceContaining("unknown init parameter");
    }
}
