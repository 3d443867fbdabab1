package io.jamesdmarc.confsamples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.apache.james.server.core.MailImpl;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.mailets.DmarcAttributes;
import io.jamesdmarc.mailets.DmarcFailureReporter;
import io.jamesdmarc.mailets.testing.DmarcZone;
import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.mailets.testing.StandInRecorder;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.failure.FailureReportParser;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * The sample configuration's failure reports in James's real processors: a spoof of a domain whose
 * policy asks for failure reports ({@code ruf}, {@code fo=1}) is evaluated and recorded by
 * DmarcEvaluate, DmarcFailureReporter sends the report into the sample's {@code dmarc-reports}
 * processor, where James's own DKIMSign signs it with the sample's key file before RemoteDelivery;
 * the signed report passes DMARC when James evaluates it as its receiver would, and parses back.
 */
class SampleFailureReportTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static DmarcZone zone;

    @BeforeAll
    static void startZone() {
        zone = DmarcZone.start();
        // what the operator publishes for the sample's DKIMSign, and a policy for the reports' From domain
        Samples.REPORT_SIGNING_KEY.publish(zone.dns(), Samples.REPORT_SIGNING_SELECTOR, Samples.REPORT_SIGNING_DOMAIN);
        zone.dns().load("_dmarc." + Samples.REPORT_SIGNING_DOMAIN + ". TXT \"v=DMARC1; p=reject\"\n");
    }

    @AfterAll
    static void stopZone() {
        zone.close();
    }

    @Test
    void aSpoofGetsItsFailureReportSignedByDkimSignAndDeliveredPassingDmarc() throws Exception {
        try (JamesPipeline james = Samples.james(DB.config(), DB.config().url(), zone.dnsServers()).start()) {
            MailImpl spoof = InboundMail.of("Mail-spoof", DmarcZone.message("Support <support@" + DmarcZone.REJECT + ">", "spoof-1@spoof"),
                "support@" + DmarcZone.REJECT, "bob@example.com");
            spoof.setRemoteAddr(DmarcZone.FORWARDER_ADDRESS);
            james.service(spoof);
            sendDue(james);

            List<FakeMailContext.SentMail> sent = james.sentMails();
            assertThat(sent).hasSize(1);
            FakeMailContext.SentMail report = sent.getFirst();
            assertThat(report.getState()).isEqualTo("dmarc-reports");
            assertThat(report.getRecipients()).extracting(Object::toString).containsExactly("dmarc-fail@" + DmarcZone.REJECT);
            assertThat(report.getSender().asString()).isEqualTo("noreply-dmarc@example.com");

            // what James does with the mail the reporter hands over: the dmarc-reports processor
            MailImpl outgoing = MailImpl.builder().name("Report-1").sender(report.getSender()).addRecipients(List.copyOf(report.getRecipients()))
                .mimeMessage(report.getMsg()).addAttributes(List.copyOf(report.getAttributes().values())).state("dmarc-reports").build();
            james.service(outgoing);
            List<StandInRecorder.Seen> delivered = james.standIns().seen("RemoteDelivery");
            assertThat(delivered).hasSize(1);
            byte[] wire = delivered.getFirst().message();
            assertThat(new String(wire, StandardCharsets.US_ASCII)).startsWith("DKIM-Signature: ").contains("d=example.com", "s=dmarc");

            // as the destination's server receives it: DKIM pass for example.com, aligned with From: DMARC pass
            MailImpl received = InboundMail.of("Received-report", wire, "noreply-dmarc@example.com", "dmarc-fail@" + DmarcZone.REJECT);
            james.service(received);
            assertThat(attribute(received, DmarcAttributes.DKIM_RESULT)).contains("pass");
            assertThat(attribute(received, DmarcAttributes.DKIM_DOMAIN)).contains("example.com");
            assertThat(attribute(received, DmarcAttributes.DMARC_RESULT)).contains("pass");

            FailureReport parsed = new FailureReportParser().parse(new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(wire)));
            assertThat(parsed.kind()).isEqualTo(FailureReport.Kind.AFRF);
            assertThat(parsed.reportedDomain()).contains(DmarcZone.REJECT);
            assertThat(parsed.identityAlignment()).as("SPF failed for example.org, the Author Domain").contains("spf");
            assertThat(parsed.sourceIp().orElseThrow().getHostAddress()).isEqualTo(DmarcZone.FORWARDER_ADDRESS);
            assertThat(parsed.originalMailFrom()).contains("<support@" + DmarcZone.REJECT + ">");
            assertThat(parsed.originalRcptTo()).containsExactly("<redacted@example.com>");
            assertThat(parsed.deliveryResult()).as("the sample enforces: the spoof of a p=reject domain was not delivered").contains("reject");
            assertThat(parsed.spfDns().orElseThrow()).startsWith("txt : " + DmarcZone.REJECT + " : v=spf1 ");
            assertThat(parsed.reportedMessage().orElseThrow().headers()).contains("Message-ID: <spoof-1@spoof>").contains("To: redacted@example.com");
            assertThat(new SqlProbe(DB.dataSource()).strings("SELECT CONCAT_WS(' ', destination, outcome, reason) FROM failure_report_sends"))
                .containsExactly("dmarc-fail@example.org sent sent");
        }
    }

    private static void sendDue(JamesPipeline james) throws Exception {
        EvaluationRepository evaluations = new EvaluationRepository(DB.dataSource());
        SqlProbe sql = new SqlProbe(DB.dataSource());
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (evaluations.count() < 1) {
            assertThat(System.nanoTime()).as("evaluation stored in time").isLessThan(deadline);
            Thread.sleep(20);
        }
        DmarcFailureReporter reporter = james.mailets("root").stream().filter(DmarcFailureReporter.class::isInstance)
            .map(DmarcFailureReporter.class::cast).findFirst().orElseThrow();
        do {
            reporter.sendDueReports();
            assertThat(System.nanoTime()).as("report settled in time").isLessThan(deadline);
        } while (!sql.strings("SELECT failure_report_state FROM evaluation_domains WHERE failure_report_state IN ('due', 'sending')").isEmpty());
    }

    private static Optional<String> attribute(Mail mail, org.apache.mailet.AttributeName name) {
        return AttributeUtils.getValueAndCastFromMail(mail, name, String.class);
    }
}
