package io.jamesdmarc.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;

import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.mailets.MockPublicKeyRecordRetriever;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.jamesdmarc.mailets.testing.GeneratedReport;
import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.mailets.testing.ReportMails;
import io.jamesdmarc.mailets.testing.StandInRecorder;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/** The receiver in James's real processor, against a real database. */
class DmarcReportReceiverTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    static final String RUA = "dmarc-rua@example.com";
    static final String RUF = "dmarc-ruf@example.com";
    static final String REPORTER = ReportMails.REPORTER;

    private SqlProbe sql;

    @BeforeEach
    void emptyStore() throws Exception {
        DB.truncateAll();
        sql = new SqlProbe(DB.dataSource());
    }

    /** A small container: the receiver in root, then delivery; an error and an unparseable processor. */
    static String mailetContainer(String receiverParameters, String beforeReceiver, String onMailetException) {
        return """
            <mailetcontainer>
              <processors enableJmx="false">
                <processor state="root" enableJmx="false">
                  %s
                  <mailet match="RecipientIs=%s,%s" class="io.jamesdmarc.mailets.DmarcReportReceiver">
                    %s
                    %s
                  </mailet>
                  <mailet match="All" class="LocalDelivery"/>
                </processor>
                <processor state="error" enableJmx="false">
                  <mailet match="All" class="ToRepository"><repositoryPath>memory://var/mail/error/</repositoryPath></mailet>
                </processor>
                <processor state="dmarc-unparseable" enableJmx="false">
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/dmarc-unparseable/</repositoryPath>
                    <passThrough>true</passThrough>
                  </mailet>
                  <mailet match="All" class="LocalDelivery"/>
                </processor>
              </processors>
            </mailetcontainer>
            """.formatted(beforeReceiver, RUA, RUF,
            onMailetException == null ? "" : "<onMailetException>" + onMailetException + "</onMailetException>", receiverParameters);
    }

    /** {@code dmarc.properties} for {@code database}, reached at {@code url} (directly, or through a proxy). */
    static String dmarcProperties(TestDatabase database, String url) {
        return "db.url = " + url + "\ndb.user = " + database.config().user() + "\ndb.password = " + database.config().password() + "\n";
    }

    private static JamesPipeline james(String receiverParameters) throws Exception {
        return JamesPipeline.builder()
            .mailetContainerXml(mailetContainer(receiverParameters, "", "propagate"))
            .dmarcProperties(dmarcProperties(DB, DB.config().url()))
            .start();
    }

    @Test
    void storesTheReportWithTheMailsIdentityAndLetsTheMailGoOn() throws Exception {
        GeneratedReport report = GeneratedReport.of(1, "example.com", 20);
        byte[] bytes = report.mail("r1@reporter.example");
        try (JamesPipeline james = james("")) {
            james.service(InboundMail.of("Mail1-a", bytes, "bounce@reporter.example", RUA));

            assertThat(sql.strings("SELECT CONCAT_WS('|', report_id, org_name, policy_domain, record_count) FROM aggregate_reports"))
                .containsExactly(report.reportId() + "|Receiver Example Mail|example.com|20");
            assertThat(sql.strings("SELECT CONCAT_WS('|', origin_key, message_id, envelope_sender, recipients, remote_address, subject, "
                + "size_bytes) FROM received_messages"))
                .containsExactly("Mail1-a|<r1@reporter.example>|bounce@reporter.example|" + RUA + "|" + InboundMail.REMOTE_ADDRESS
                    + "|Report domain: example.com Submitter: reporter.example Report-ID: <" + report.reportId() + ">|" + bytes.length);
            assertThat(sql.strings("SELECT CONCAT(content_type, ' ', outcome) FROM received_message_contents")).containsExactly("aggregate stored");
            List<StandInRecorder.Seen> delivered = james.standIns().seen("LocalDelivery");
            assertThat(delivered).singleElement().satisfies(seen -> {
                assertThat(seen.recipients()).containsExactly(RUA);
                assertThat(seen.message()).isEqualTo(bytes);
            });
            assertThat(james.metrics().countFor(DmarcReportReceiver.METRIC_STORED)).isEqualTo(1);
        }
    }

    @Test
    void oneLinePerMailSaysWhatBecameOfWhichReport() throws Exception {
        GeneratedReport report = GeneratedReport.of(11, "example.com", 20);
        Logger logger = (Logger) LoggerFactory.getLogger(DmarcReportReceiver.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try (JamesPipeline james = james("")) {
            james.service(InboundMail.of("Mail11", report.mail("r11@reporter.example"), "bounce@reporter.example", RUA));
            james.service(InboundMail.of("Mail12", report.mail("r12@reporter.example"), "bounce@reporter.example", RUA));
        } finally {
            logger.detachAppender(log);
        }

        List<String> lines = log.list.stream().filter(event -> event.getLevel() == Level.INFO)
            .map(ILoggingEvent::getFormattedMessage).filter(line -> line.startsWith("DMARC report mail")).toList();
        long id = sql.longs("SELECT id FROM aggregate_reports").get(0);
        assertThat(lines).containsExactly(
            "DMARC report mail Mail11 <r11@reporter.example> from bounce@reporter.example: aggregate report '" + report.reportId()
                + "' from Receiver Example Mail for example.com: stored as #" + id + " (20 records); mail goes on",
            "DMARC report mail Mail12 <r12@reporter.example> from bounce@reporter.example: aggregate report '" + report.reportId()
                + "' from Receiver Example Mail for example.com: duplicate of #" + id + "; mail goes on");
    }

    @Test
    void withoutPassThroughAStoredReportStopsHere() throws Exception {
        try (JamesPipeline james = james("<passThrough>false</passThrough>")) {
            james.service(InboundMail.of("Mail2", GeneratedReport.of(2, "example.com", 3).mail("r2@reporter.example"), REPORTER, RUA));

            assertThat(sql.count("aggregate_reports")).isEqualTo(1);
            assertThat(james.standIns().seen()).isEmpty();
        }
    }

    @Test
    void aFailureReportIsStoredToo() throws Exception {
        try (JamesPipeline james = james("")) {
            james.service(InboundMail.of("Mail3", ReportMails.failure("f1@reporter.example", "example.com", "198.51.100.7"), REPORTER, RUF));

            assertThat(sql.strings("SELECT CONCAT_WS('|', kind, reported_domain, source_ip_text, auth_failure) FROM failure_reports"))
                .containsExactly("afrf|example.com|198.51.100.7|dmarc");
            assertThat(james.standIns().seen("LocalDelivery")).hasSize(1);
        }
    }

    @Test
    void aReportArrivingTwiceIsStoredOnceAndARetriedMailIsOneMessage() throws Exception {
        GeneratedReport report = GeneratedReport.of(4, "example.com", 5);
        try (JamesPipeline james = james("")) {
            james.service(InboundMail.of("Mail4", report.mail("first@reporter.example"), REPORTER, RUA));
            james.service(InboundMail.of("Mail5", report.mail("resent@reporter.example"), REPORTER, RUA));
            // James retries Mail4 (say the spooler died after storing): the same mail name again
            james.service(InboundMail.of("Mail4", report.mail("first@reporter.example"), REPORTER, RUA));

            assertThat(sql.count("aggregate_reports")).isEqualTo(1);
            assertThat(sql.count("aggregate_records")).isEqualTo(5);
            assertThat(sql.strings("SELECT CONCAT(m.origin_key, ' ', c.outcome) FROM received_message_contents c "
                + "JOIN received_messages m ON m.id = c.received_message_id ORDER BY c.id"))
                .containsExactly("Mail4 stored", "Mail5 duplicate");
            assertThat(james.metrics().countFor(DmarcReportReceiver.METRIC_STORED)).isEqualTo(1);
            assertThat(james.metrics().countFor(DmarcReportReceiver.METRIC_DUPLICATES)).isEqualTo(2);
            assertThat(james.standIns().seen("LocalDelivery")).hasSize(3);
        }
    }

    @Test
    void aMailSplitByTheMatcherIsTheSameMessageOnEveryRetry() throws Exception {
        byte[] bytes = GeneratedReport.of(5, "example.com", 2).mail("split@reporter.example");
        try (JamesPipeline james = james("")) {
            // the matcher takes RUA and leaves the other recipient: James copies the mail under a derived name
            james.service(InboundMail.of("Mail6", bytes, REPORTER, "postmaster@example.com", RUA));
            james.service(InboundMail.of("Mail6", bytes, REPORTER, "postmaster@example.com", RUA));

            assertThat(sql.strings("SELECT CONCAT(origin_key, ' ', recipients) FROM received_messages")).containsExactly("Mail6 " + RUA);
            assertThat(james.standIns().seen("LocalDelivery")).extracting(StandInRecorder.Seen::recipients)
                .containsExactlyInAnyOrder(List.of(RUA), List.of("postmaster@example.com"), List.of(RUA), List.of("postmaster@example.com"));
        }
    }

    @Test
    void aMailWithNoReportIsKeptWithItsReasonAndGoesToTheUnparseableProcessor() throws Exception {
        byte[] bytes = ReportMails.plain("spam@spammer.example", "spammer@spammer.example", RUA, "Cheap watches", "Buy now\n");
        try (JamesPipeline james = james("<passThrough>false</passThrough><unparseableProcessor>dmarc-unparseable</unparseableProcessor>")) {
            james.service(InboundMail.of("Mail7", bytes, "spammer@spammer.example", RUA));

            assertThat(sql.count("aggregate_reports") + sql.count("failure_reports")).isZero();
            assertThat(sql.strings("SELECT CONCAT_WS('|', location, problem) FROM rejected_inputs")).containsExactly("message|NO_REPORT_FOUND");
            assertThat(sql.strings("SELECT reason FROM rejected_inputs").get(0)).startsWith("no report found");
            long id = sql.longs("SELECT id FROM rejected_inputs").get(0);
            assertThat(DB.database().storedReports().rejectedInput(id)).contains(bytes);
            assertThat(james.standIns().seen()).extracting(StandInRecorder.Seen::standIn, StandInRecorder.Seen::detail,
                    StandInRecorder.Seen::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ToRepository", "memory://var/mail/dmarc-unparseable/", "dmarc-unparseable"),
                    org.assertj.core.groups.Tuple.tuple("LocalDelivery", "", "dmarc-unparseable"));
            assertThat(james.metrics().countFor(DmarcReportReceiver.METRIC_UNPARSEABLE)).isEqualTo(1);
        }
    }

    @Test
    void whatCanBeReadIsStoredAndTheMailIsKeptForTheRest() throws Exception {
        GeneratedReport report = GeneratedReport.of(8, "example.com", 4);
        byte[] other = GeneratedReport.of(80, "example.com", 50).gzippedXml();
        byte[] truncated = java.util.Arrays.copyOf(other, other.length / 2);
        byte[] bytes = ReportMails.withAttachments("two@reporter.example", "Report domain: example.com", List.of(
            new ReportMails.Attachment("application/gzip", "good.xml.gz", report.gzippedXml()),
            new ReportMails.Attachment("application/gzip", "broken.xml.gz", truncated)));
        try (JamesPipeline james = james("<unparseableProcessor>dmarc-unparseable</unparseableProcessor>")) {
            james.service(InboundMail.of("Mail8", bytes, REPORTER, RUA));

            assertThat(sql.strings("SELECT report_id FROM aggregate_reports")).containsExactly(report.reportId());
            assertThat(sql.strings("SELECT problem FROM rejected_inputs")).containsExactly("CORRUPT_CONTAINER");
            assertThat(sql.strings("SELECT reason FROM rejected_inputs").get(0))
                .startsWith("1 part could not be read: ").contains("broken.xml.gz");
            assertThat(DB.database().storedReports().rejectedInput(sql.longs("SELECT id FROM rejected_inputs").get(0))).contains(bytes);
            assertThat(sql.strings("SELECT CONCAT(content_type, ' ', outcome) FROM received_message_contents ORDER BY id"))
                .containsExactly("aggregate stored", "rejected stored");
            assertThat(james.standIns().seen("ToRepository")).singleElement()
                .extracting(StandInRecorder.Seen::detail).isEqualTo("memory://var/mail/dmarc-unparseable/");
        }
    }

    @Test
    void theReportMailsAuthenticationAsJamesDkimVerifySawIt() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        String privateKey = "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
        String record = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
        String signAndVerify = """
            <mailet match="All" class="org.apache.james.jdkim.mailets.DKIMSign">
              <signatureTemplate>v=1; s=sel; d=reporter.example; h=from:to:subject:message-id; a=rsa-sha256; bh=; b=;</signatureTemplate>
              <privateKey>%s</privateKey>
            </mailet>
            <mailet match="All" class="org.apache.james.jdkim.mailets.DKIMVerify"/>
            """.formatted(privateKey);
        String withTrustedField = "Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=bounce@reporter.example;"
            + " dmarc=pass header.from=reporter.example\r\n";
        byte[] bytes = (withTrustedField + new String(GeneratedReport.of(9, "example.com", 1).mail("signed@reporter.example"),
            StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);

        try (JamesPipeline james = JamesPipeline.builder()
                .mailetContainerXml(mailetContainer("<trustedAuthservIds>mx.example.com</trustedAuthservIds>", signAndVerify, "propagate"))
                .dmarcProperties(dmarcProperties(DB, DB.config().url()))
                .module(binder -> binder.bind(PublicKeyRecordRetriever.class)
                    .toInstance(new MockPublicKeyRecordRetriever(record, "sel", "reporter.example")))
                .start()) {
            james.service(InboundMail.of("Mail9", bytes, "bounce@reporter.example", RUA));
        }

        assertThat(sql.strings("SELECT CONCAT_WS('|', dkim_result, dkim_domain, spf_result, spf_domain, dmarc_result, "
            + "authentication_results) FROM received_messages"))
            .containsExactly("pass|reporter.example|pass|reporter.example|pass|mx.example.com; spf=pass smtp.mailfrom=bounce@reporter.example;"
                + " dmarc=pass header.from=reporter.example");
    }

    @Test
    void anUnsignedReportMailIsStoredAsNotDkimSigned() throws Exception {
        try (JamesPipeline james = JamesPipeline.builder()
                .mailetContainerXml(mailetContainer("", "<mailet match=\"All\" class=\"org.apache.james.jdkim.mailets.DKIMVerify\"/>",
                    "propagate"))
                .dmarcProperties(dmarcProperties(DB, DB.config().url()))
                .start()) {
            james.service(InboundMail.of("Mail13", GeneratedReport.of(13, "example.com", 1).mail("unsigned@reporter.example"),
                "bounce@reporter.example", RUA));
        }

        assertThat(sql.strings("SELECT CONCAT_WS('|', dkim_result, IFNULL(dkim_domain, '-'), IFNULL(spf_result, '-')) FROM received_messages"))
            .containsExactly("none|-|-");
    }

    @Test
    void badConfigurationStopsJamesNamingTheParameter() {
        assertThatThrownBy(() -> JamesPipeline.builder().mailetContainerXml(mailetContainer("", "", "propagate")).start())
            .hasStackTraceContaining("DmarcReportReceiver: db.url is not set");
        assertThatThrownBy(() -> james("<db.poolSize>lots</db.poolSize>").close())
            .hasStackTraceContaining("db.poolSize must be a number, was 'lots' (init parameter db.poolSize of DmarcReportReceiver)");
        assertThatThrownBy(() -> james("<passThru>false</passThru>").close())
            .hasStackTraceContaining("DmarcReportReceiver: unknown init parameter [passThru]");
        assertThatThrownBy(() -> james("<unparseableProcessor>no-such-processor</unparseableProcessor>").close())
            .hasStackTraceContaining("undefined processors: [no-such-processor]");
        assertThatThrownBy(() -> james("<unparseableProcessor>ghost</unparseableProcessor>").close())
            .hasStackTraceContaining("unparseableProcessor must not be ghost");
    }

    @Test
    void aMailOtherRecipientsGetIsNotTouched() throws Exception {
        byte[] bytes = ReportMails.plain("hello@friend.example", "friend@friend.example", "postmaster@example.com", "Hi", "Hello\n");
        try (JamesPipeline james = james("")) {
            MailImpl mail = InboundMail.of("Mail10", bytes, "friend@friend.example", "postmaster@example.com");
            james.service(mail);

            assertThat(sql.count("received_messages")).isZero();
            assertThat(james.standIns().seen("LocalDelivery")).singleElement().satisfies(seen -> {
                assertThat(seen.message()).isEqualTo(bytes);
                assertThat(seen.state()).isEqualTo(Mail.DEFAULT);
            });
        }
    }
}
