package io.jamesdmarc.confsamples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.apache.james.server.core.MailImpl;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.mailets.DmarcAttributes;
import io.jamesdmarc.mailets.testing.DmarcZone;
import io.jamesdmarc.mailets.testing.GeneratedReport;
import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.mailets.testing.ReportMails;
import io.jamesdmarc.mailets.testing.StandInRecorder;
import io.jamesdmarc.model.aggregate.PolicyOverrideReason;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * The sample configuration's DMARC evaluation, in each of its three enforcements (the sample's
 * {@code enforce}, and {@code quarantine} and {@code monitor}, the one line changed), in James's real
 * processors against DNS on loopback and a real database. Mail signed by James's own {@code DKIMSign}
 * (a sending James of the test), unsigned mail that SPF authenticates, spoofs of {@code p=reject}, of
 * {@code p=quarantine} and of {@code p=none} domains, and a forwarded message: where each ends up
 * (mailbox, Spam folder, the dmarc-rejected repository), its Authentication-Results and attributes,
 * and the evaluation recorded, saying what was done.
 */
class SampleDmarcEvaluationTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    static final String RECIPIENT = "bob@example.com";
    static final String REJECTED = "memory://var/mail/dmarc-rejected/";
    static final String SPAM = "Spam";
    static final String INBOX = StandInRecorder.INBOX;

    private static DmarcZone zone;
    /** A message of example.org's users, as example.org's own James sent it: signed by DKIMSign. */
    private static byte[] signedByJames;

    @BeforeAll
    static void sendingJamesSigns() throws Exception {
        zone = DmarcZone.start();
        String sender = """
            <mailetcontainer>
              <processors enableJmx="false">
                <processor state="root" enableJmx="false">
                  <mailet match="All" class="org.apache.james.jdkim.mailets.DKIMSign">
                    <signatureTemplate>v=1; s=%s; d=%s; h=from:to:subject:date:message-id:mime-version:content-type; a=rsa-sha256; bh=; b=;</signatureTemplate>
                    <privateKey>%s</privateKey>
                  </mailet>
                  <mailet match="All" class="RemoteDelivery"/>
                </processor>
                <processor state="error" enableJmx="false"><mailet match="All" class="Null"/></processor>
              </processors>
            </mailetcontainer>
            """.formatted(DmarcZone.SELECTOR, DmarcZone.REJECT, zone.key(DmarcZone.REJECT).privateKeyPem());
        try (JamesPipeline example = JamesPipeline.builder().mailetContainerXml(sender).localDomains(DmarcZone.REJECT).start()) {
            MailImpl outgoing = InboundMail.of("Outgoing1", DmarcZone.message("Alice <alice@" + DmarcZone.REJECT + ">", "signed-1@example.org"),
                "alice@" + DmarcZone.REJECT, RECIPIENT);
            example.service(outgoing);
            signedByJames = example.standIns().seen("RemoteDelivery").get(0).message();
        }
        assertThat(new String(signedByJames, StandardCharsets.US_ASCII)).startsWith("DKIM-Signature: ");
    }

    @AfterAll
    static void stopZone() {
        zone.close();
    }

    @ParameterizedTest(name = "enforcement {0}")
    @ValueSource(strings = {"enforce", "quarantine", "monitor"})
    void theSampleDeliversQuarantinesRejectsAndRecordsAsItsEnforcementSays(String enforcement) throws Exception {
        boolean enforce = enforcement.equals("enforce");
        boolean monitor = enforcement.equals("monitor");
        EvaluationRepository evaluations = new EvaluationRepository(DB.dataSource());
        try (JamesPipeline james = Samples.withReportSigningKey(JamesPipeline.builder())
                .mailetContainerXml(Samples.mailetContainer("<enforcement>" + enforcement + "</enforcement>"))
                .dmarcProperties(Samples.dmarcProperties(DB.config(), DB.config().url(), zone.dnsServers()))
                .start()) {
            String prefix = "Mail-" + enforcement + "-";
            MailImpl signed = InboundMail.of(prefix + "signed", signedByJames, "alice@" + DmarcZone.REJECT, RECIPIENT);
            MailImpl spfOnly = InboundMail.of(prefix + "spf", DmarcZone.message("news@" + DmarcZone.QUARANTINE, enforcement + "-spf@q"),
                "bounces@" + DmarcZone.QUARANTINE, RECIPIENT);
            MailImpl spoofReject = spoof(prefix + "spoof-reject", DmarcZone.REJECT);
            MailImpl spoofQuarantine = spoof(prefix + "spoof-quarantine", DmarcZone.QUARANTINE);
            MailImpl spoofNone = spoof(prefix + "spoof-none", DmarcZone.NONE);
            MailImpl forwarded = InboundMail.of(prefix + "forwarded", signedByJames, "alice@" + DmarcZone.REJECT, RECIPIENT);
            forwarded.setRemoteAddr(DmarcZone.FORWARDER_ADDRESS);
            List<MailImpl> mails = List.of(signed, spfOnly, spoofReject, spoofQuarantine, spoofNone, forwarded);
            for (MailImpl mail : mails) {
                james.service(mail);
            }

            assertThat(where(james, signed)).isEqualTo(INBOX);
            assertThat(where(james, spfOnly)).isEqualTo(INBOX);
            assertThat(where(james, spoofReject)).isEqualTo(enforce ? REJECTED : monitor ? INBOX : SPAM);
            assertThat(where(james, spoofQuarantine)).isEqualTo(monitor ? INBOX : SPAM);
            assertThat(where(james, spoofNone)).isEqualTo(INBOX);
            assertThat(where(james, forwarded)).isEqualTo(INBOX);

            assertThat(attribute(signed, DmarcAttributes.DKIM_RESULT)).contains("pass");
            assertThat(attribute(forwarded, DmarcAttributes.SPF_RESULT)).contains("fail");
            assertThat(attribute(spfOnly, DmarcAttributes.SPF_RESULT)).contains("pass");
            assertThat(attribute(spfOnly, DmarcAttributes.DKIM_RESULT)).contains("none");
            for (MailImpl mail : List.of(signed, spfOnly, forwarded)) {
                assertThat(attribute(mail, DmarcAttributes.DMARC_RESULT)).as(mail.getName()).contains("pass");
            }
            for (MailImpl mail : List.of(spoofReject, spoofQuarantine, spoofNone)) {
                assertThat(attribute(mail, DmarcAttributes.DMARC_RESULT)).as(mail.getName()).contains("fail");
            }
            assertThat(attribute(spoofReject, DmarcAttributes.DMARC_DISPOSITION)).contains("reject");
            assertThat(attribute(spoofReject, DmarcAttributes.DMARC_APPLIED_DISPOSITION)).contains(enforce ? "reject" : monitor ? "none" : "quarantine");
            String inbox = delivered(james, signed);
            assertThat(inbox).startsWith("Authentication-Results: example.com;\r\n\tdkim=pass header.d=example.org header.s=sel")
                .contains("dmarc=pass (p=reject sp=reject dis=pass)")
                .endsWith(new String(signedByJames, StandardCharsets.UTF_8));

            assertRecorded(evaluations, signed, DmarcResult.PASS, Disposition.PASS, Optional.empty());
            assertRecorded(evaluations, spfOnly, DmarcResult.PASS, Disposition.PASS, Optional.empty());
            assertRecorded(evaluations, forwarded, DmarcResult.PASS, Disposition.PASS, Optional.empty());
            assertRecorded(evaluations, spoofNone, DmarcResult.FAIL, Disposition.NONE, Optional.empty());
            assertRecorded(evaluations, spoofReject, DmarcResult.FAIL, enforce ? Disposition.REJECT : monitor ? Disposition.NONE
                : Disposition.QUARANTINE, enforce ? Optional.empty() : Optional.of(OverrideType.LOCAL_POLICY));
            assertRecorded(evaluations, spoofQuarantine, DmarcResult.FAIL, monitor ? Disposition.NONE : Disposition.QUARANTINE,
                monitor ? Optional.of(OverrideType.LOCAL_POLICY) : Optional.empty());
        }
    }

    @ParameterizedTest(name = "enforcement {0}")
    @ValueSource(strings = {"enforce", "monitor"})
    void aReportMailIsStoredWithItsDmarcResultThoughItIsThenRejected(String enforcement) throws Exception {
        GeneratedReport report = GeneratedReport.of(enforcement.equals("enforce") ? 101 : 102, "example.com", 3);
        String text = new String(report.mail("report-" + enforcement + "@reporter.example"), StandardCharsets.UTF_8)
            .replace("From: Reporter DMARC <" + ReportMails.REPORTER + ">", "From: DMARC <dmarc@" + DmarcZone.REJECT + ">");
        try (JamesPipeline james = Samples.withReportSigningKey(JamesPipeline.builder())
                .mailetContainerXml(Samples.mailetContainer("<enforcement>" + enforcement + "</enforcement>"))
                .dmarcProperties(Samples.dmarcProperties(DB.config(), DB.config().url(), zone.dnsServers()))
                .start()) {
            MailImpl mail = InboundMail.of("Mail-report-" + enforcement, text.getBytes(StandardCharsets.UTF_8), "dmarc@" + DmarcZone.REJECT,
                "dmarc-rua@example.com");
            mail.setRemoteAddr(DmarcZone.FORWARDER_ADDRESS);
            james.service(mail);

            assertThat(new SqlProbe(DB.dataSource()).strings("SELECT CONCAT_WS(' ', dmarc_result, spf_result, dkim_result) "
                + "FROM received_messages WHERE origin_key = '" + mail.getName() + "'")).containsExactly("fail fail none");
            assertThat(where(james, mail)).isEqualTo(enforcement.equals("enforce") ? REJECTED : INBOX);
        }
    }

    /** Where the mail ended: a mailbox folder, or the repository the dmarc-rejected processor keeps it in. */
    private static String where(JamesPipeline james, Mail mail) {
        List<StandInRecorder.Seen> seen = james.standIns().seen().stream().filter(s -> s.mailName().equals(mail.getName())).toList();
        assertThat(seen).as(mail.getName()).hasSize(1);
        StandInRecorder.Seen last = seen.get(0);
        if (last.standIn().equals("ToRepository")) {
            return last.detail();
        }
        assertThat(last.standIn()).isEqualTo("LocalDelivery");
        List<String> folders = last.folders().get(last.recipients().get(0));
        assertThat(folders).hasSize(1);
        return folders.get(0);
    }

    private static String delivered(JamesPipeline james, Mail mail) {
        return james.standIns().seen("LocalDelivery").stream().filter(s -> s.mailName().equals(mail.getName())).findFirst()
            .map(s -> new String(s.message(), StandardCharsets.UTF_8)).orElseThrow();
    }

    /** A message claiming to come from {@code domain}, unsigned, from a server no SPF record of it names. */
    private static MailImpl spoof(String name, String domain) throws Exception {
        MailImpl mail = InboundMail.of(name, DmarcZone.message("Support <support@" + domain + ">", name + "@spoof"),
            "support@" + domain, RECIPIENT);
        mail.setRemoteAddr(DmarcZone.FORWARDER_ADDRESS);
        return mail;
    }

    private static Optional<String> attribute(Mail mail, org.apache.mailet.AttributeName name) {
        return AttributeUtils.getValueAndCastFromMail(mail, name, String.class);
    }

    private static void assertRecorded(EvaluationRepository evaluations, Mail mail, DmarcResult result, Disposition disposition,
                                       Optional<OverrideType> reason) throws Exception {
        String id = attribute(mail, DmarcAttributes.EVALUATION_ID).orElseThrow();
        EvaluationRecord record = awaitRecord(evaluations, id);
        assertThat(record.result()).as(mail.getName()).isEqualTo(result);
        assertThat(record.disposition()).as(mail.getName()).isEqualTo(disposition);
        assertThat(record.messageId()).as(mail.getName()).isPresent();
        assertThat(record.domains()).as(mail.getName()).singleElement().satisfies(domain -> {
            assertThat(domain.policyEvaluated().disposition().known()).isEqualTo(disposition);
            assertThat(domain.policyEvaluated().reasons()).extracting(PolicyOverrideReason::type).extracting(type -> type.known())
                .containsExactlyElementsOf(reason.stream().toList());
        });
    }

    private static EvaluationRecord awaitRecord(EvaluationRepository evaluations, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Optional<EvaluationRecord> record = evaluations.find(id);
            if (record.isPresent()) {
                return record.get();
            }
            assertThat(System.nanoTime()).as("evaluation " + id + " stored within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
