package io.jamesdmarc.confsamples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.mailets.MockPublicKeyRecordRetriever;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.mailets.DmarcAggregateReporter;
import io.jamesdmarc.mailets.DmarcAttributes;
import io.jamesdmarc.mailets.testing.DmarcZone;
import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.mailets.testing.StandInRecorder;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.outbound.ReportOutcome;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * The sample's aggregate reporting: the reporter in the sample's {@code dmarc-reports} processor sends
 * the reports of what the sample's {@code DmarcEvaluate} recorded into that processor, where James's
 * {@code DKIMSign} signs them with {@code conf/dkim-dmarc-reports.pem} for example.com and
 * {@code RemoteDelivery} takes them; a James with {@code DKIMVerify} finds the signature good.
 */
class SampleAggregateReportsTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @Test
    void theSampleSendsSignedReportsThroughItsDmarcReportsProcessor() throws Exception {
        try (DmarcZone zone = DmarcZone.start();
             JamesPipeline james = Samples.james(DB.config(), DB.config().url(), zone.dnsServers()).start()) {
            for (int i = 0; i < 3; i++) {
                MailImpl spoof = InboundMail.of("Spoof-" + i, DmarcZone.message("Support <support@" + DmarcZone.QUARANTINE + ">",
                    "spoof-" + i + "@q"), "support@" + DmarcZone.QUARANTINE, "bob@example.com");
                spoof.setRemoteAddr(DmarcZone.FORWARDER_ADDRESS);
                james.service(spoof);
            }
            EvaluationRepository evaluations = new EvaluationRepository(DB.dataSource());
            Instant until = Instant.now().plusSeconds(20);
            while (evaluations.count() < 3 && Instant.now().isBefore(until)) {
                Thread.sleep(50);
            }
            DmarcAggregateReporter reporter = (DmarcAggregateReporter) james.mailets("dmarc-reports").get(0);

            List<ReportOutcome> outcomes = reporter.sendDue(Instant.now().plus(Duration.ofDays(2)));

            assertThat(outcomes).singleElement().satisfies(outcome -> {
                assertThat(outcome.status()).isEqualTo(ReportOutcome.Status.SENT);
                assertThat(outcome.messages()).isEqualTo(3);
                assertThat(outcome.mailboxes()).containsExactly("dmarc@" + DmarcZone.QUARANTINE);
            });
            FakeMailContext.SentMail sent = james.sentMails().get(0);
            assertThat(sent.getState()).isEqualTo("dmarc-reports");
            james.service(MailImpl.builder().name("queued-report").sender(sent.getSender()).addRecipients(List.copyOf(sent.getRecipients()))
                .mimeMessage(sent.getMsg()).state(sent.getState()).addAttributes(sent.getAttributes().values()).build());
            StandInRecorder.Seen remote = james.standIns().seen("RemoteDelivery").get(0);
            assertThat(new String(remote.message(), StandardCharsets.US_ASCII)).startsWith("DKIM-Signature: ").contains(" s=dmarc;", " d=example.com;");

            String verify = """
                <mailetcontainer><processors enableJmx="false">
                  <processor state="root" enableJmx="false">
                    <mailet match="All" class="org.apache.james.jdkim.mailets.DKIMVerify"/>
                    <mailet match="All" class="LocalDelivery"/>
                  </processor>
                  <processor state="error" enableJmx="false"><mailet match="All" class="Null"/></processor>
                </processors></mailetcontainer>
                """;
            try (JamesPipeline receiver = JamesPipeline.builder().mailetContainerXml(verify)
                    .module(binder -> binder.bind(PublicKeyRecordRetriever.class).toInstance(new MockPublicKeyRecordRetriever(
                        Samples.REPORT_SIGNING_KEY.keyRecord(), "dmarc", "example.com")))
                    .start()) {
                MailImpl arriving = InboundMail.of("Arriving", remote.message(), "noreply-dmarc@example.com", remote.recipients());
                receiver.service(arriving);
                assertThat(AttributeUtils.getValueAndCastFromMail(arriving, DmarcAttributes.JAMES_DKIM_RESULT, String.class))
                    .get().asString().startsWith("pass");
            }
        }
    }
}
