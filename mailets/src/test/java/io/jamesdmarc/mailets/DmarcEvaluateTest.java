package io.jamesdmarc.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.jamesdmarc.mailets.testing.DmarcZone;
import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.mailets.testing.StandInRecorder;
import io.jamesdmarc.model.aggregate.PolicyOverrideReason;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * DmarcEvaluate in James's real processor, against real DNS on loopback ({@link DmarcZone}) and a
 * real database: what it does to the mail (header, attributes, the disposition the matchers act
 * on), and what it records.
 */
class DmarcEvaluateTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    /** James's default domain in the harness: the default authserv-id. */
    static final String AUTHSERV_ID = JamesPipeline.DEFAULT_DOMAIN;
    static final String RECIPIENT = "bob@example.com";

    private static DmarcZone zone;
    private EvaluationRepository evaluations;

    @BeforeAll
    static void startZone() {
        zone = DmarcZone.start();
    }

    @AfterAll
    static void stopZone() {
        zone.close();
    }

    @BeforeEach
    void emptyStore() throws Exception {
        DB.truncateAll();
        evaluations = new EvaluationRepository(DB.dataSource());
        zone.dns().clearQueries();
    }

    /** The evaluator in root, then James's way of acting on the disposition, as the sample does it. */
    static String mailetContainer(String evaluateParameters) {
        return """
            <mailetcontainer>
              <processors enableJmx="false">
                <processor state="root" enableJmx="false">
                  <mailet match="All" class="io.jamesdmarc.mailets.DmarcEvaluate">%s</mailet>
                  <mailet match="io.jamesdmarc.matchers.IsDmarcDisposition=reject" class="ToRepository">
                    <repositoryPath>memory://var/mail/dmarc-rejected/</repositoryPath>
                  </mailet>
                  <mailet match="io.jamesdmarc.matchers.IsDmarcDisposition=quarantine" class="WithStorageDirective">
                    <targetFolderName>Spam</targetFolderName>
                  </mailet>
                  <mailet match="All" class="LocalDelivery"/>
                </processor>
                <processor state="error" enableJmx="false">
                  <mailet match="All" class="ToRepository"><repositoryPath>memory://var/mail/error/</repositoryPath></mailet>
                </processor>
              </processors>
            </mailetcontainer>
            """.formatted(evaluateParameters);
    }

    static String dmarcProperties(String dbUrl, String dnsServers) {
        return "db.url = " + dbUrl + "\ndb.user = " + DB.config().user() + "\ndb.password = " + DB.config().password() + "\n"
            + "dns.servers = " + dnsServers + "\ndns.timeoutMillis = 300\ndns.attempts = 1\n"
            + "evaluations.batchDelayMillis = 10\nevaluations.retrySeconds = 1\n";
    }

    private static JamesPipeline james(String enforcement) throws Exception {
        return JamesPipeline.builder()
            .mailetContainerXml(mailetContainer("<enforcement>" + enforcement + "</enforcement>"))
            .dmarcProperties(dmarcProperties(DB.config().url(), zone.dnsServers()))
            .start();
    }

    @Test
    void aSignedMessagePassesAndIsDeliveredWithTheHeaderOnTopAndItsBodyAsReceived() throws Exception {
        byte[] signed = zone.sign(DmarcZone.message("Alice <alice@" + DmarcZone.REJECT + ">", "pass-1@example.org"), DmarcZone.REJECT);
        MailImpl mail = InboundMail.of("Mail-pass-1", signed, "bounces@" + DmarcZone.REJECT, RECIPIENT);
        try (JamesPipeline james = james("enforce")) {
            james.service(mail);

            StandInRecorder.Seen delivered = single(james.standIns().seen("LocalDelivery"));
            assertThat(delivered.folders()).containsEntry(RECIPIENT, List.of(StandInRecorder.INBOX));
            String text = new String(delivered.message(), StandardCharsets.UTF_8);
            assertThat(text).startsWith("Authentication-Results: " + AUTHSERV_ID + ";\r\n\tdkim=pass header.d=example.org header.s=sel");
            assertThat(text.replace("\r\n\t", " ")).contains("; spf=pass smtp.mailfrom=example.org; "
                + "dmarc=pass (p=reject sp=reject dis=pass) header.from=example.org polrec.p=reject\r\n");
            // one field added, nothing else of the message touched: the bytes received follow it
            assertThat(delivered.message()).endsWith(signed);
            assertThat(text.substring(0, text.length() - signed.length)).matches("(?s)Authentication-Results: [^\\r]*(\\r\\n\\t[^\\r]*)*\\r\\n");

            assertThat(attribute(mail, DmarcAttributes.DMARC_RESULT)).contains("pass");
            assertThat(attribute(mail, DmarcAttributes.DMARC_DOMAIN)).contains(DmarcZone.REJECT);
            assertThat(attribute(mail, DmarcAttributes.DMARC_POLICY_DOMAIN)).contains(DmarcZone.REJECT);
            assertThat(attribute(mail, DmarcAttributes.DMARC_POLICY)).contains("reject");
            assertThat(attribute(mail, DmarcAttributes.DMARC_TESTING)).contains("n");
            assertThat(attribute(mail, DmarcAttributes.DMARC_DISPOSITION)).contains("pass");
            assertThat(attribute(mail, DmarcAttributes.DMARC_APPLIED_DISPOSITION)).contains("pass");
            assertThat(attribute(mail, DmarcAttributes.DKIM_RESULT)).contains("pass");
            assertThat(attribute(mail, DmarcAttributes.DKIM_DOMAIN)).contains(DmarcZone.REJECT);
            assertThat(attribute(mail, DmarcAttributes.SPF_RESULT)).contains("pass");
            assertThat(attribute(mail, DmarcAttributes.SPF_DOMAIN)).contains(DmarcZone.REJECT);

            EvaluationRecord record = recorded(mail);
            assertThat(record.result()).isEqualTo(DmarcResult.PASS);
            assertThat(record.disposition()).isEqualTo(Disposition.PASS);
            assertThat(record.sourceIp().text()).isEqualTo(InboundMail.REMOTE_ADDRESS);
            assertThat(record.helo()).contains(InboundMail.REMOTE_HOST);
            assertThat(record.envelopeFrom()).contains(DmarcZone.REJECT);
            assertThat(record.envelopeTo()).containsExactly("example.com");
            assertThat(record.messageId()).contains("<pass-1@example.org>");
            assertThat(record.dkim()).singleElement().satisfies(dkim -> {
                assertThat(dkim.domain()).isEqualTo(DmarcZone.REJECT);
                assertThat(dkim.result().known()).isEqualTo(DkimResult.PASS);
            });
            assertThat(record.domains()).singleElement().satisfies(domain -> {
                assertThat(domain.headerFrom()).isEqualTo(DmarcZone.REJECT);
                assertThat(domain.policy()).hasValueSatisfying(policy -> assertThat(policy.domain()).isEqualTo(DmarcZone.REJECT));
            });
            assertThat(james.metrics().countFor(DmarcEvaluate.resultMetric(DmarcResult.PASS))).isEqualTo(1);
        }
    }

    @Test
    void aMailIsDeliveredAsJamesAloneDeliversItButForTheFieldOnTop() throws Exception {
        // RFC 6532 header, bare LF in the body, no MIME-Version nor Date: what James would make up or re-encode
        // if a mailet changed the header through jakarta.mail (it would add MIME-Version and Date)
        byte[] bytes = ("From: J\u00fcrgen M\u00fcller <j\u00fcrgen@" + DmarcZone.NONE + ">\r\n"
            + "To: bob@example.com\r\n"
            + "Subject: Gr\u00fc\u00dfe aus K\u00f6ln \u2014 \u65e5\u672c\r\n"
            + "Message-ID: <utf8-1@none.example>\r\n"
            + "\r\n"
            + "Hallo\nline with bare LF\n").getBytes(StandardCharsets.UTF_8);
        byte[] withoutJamesDmarc;
        try (JamesPipeline jamesAlone = JamesPipeline.builder().mailetContainerXml(mailetContainer("").replaceFirst(
                "<mailet match=\"All\" class=\"io.jamesdmarc.mailets.DmarcEvaluate\"></mailet>", "")).start()) {
            jamesAlone.service(InboundMail.of("Mail-utf8", bytes, "juergen@" + DmarcZone.NONE, RECIPIENT));
            withoutJamesDmarc = single(jamesAlone.standIns().seen("LocalDelivery")).message();
        }
        try (JamesPipeline james = james("enforce")) {
            james.service(InboundMail.of("Mail-utf8", bytes, "juergen@" + DmarcZone.NONE, RECIPIENT));

            String delivered = new String(single(james.standIns().seen("LocalDelivery")).message(), StandardCharsets.ISO_8859_1);
            String ours = delivered.substring(0, delivered.indexOf("\r\nFrom: ") + 2);
            assertThat(ours).startsWith("Authentication-Results: " + AUTHSERV_ID + ";").contains("header.from=none.example");
            assertThat(delivered.substring(ours.length())).isEqualTo(new String(withoutJamesDmarc, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void enforcedASpoofIsRejectedAndRecordedAsRejected() throws Exception {
        MailImpl mail = spoof("Mail-spoof-enforce", "spoof-1@example.org");
        try (JamesPipeline james = james("enforce")) {
            james.service(mail);

            assertThat(james.standIns().seen()).extracting(StandInRecorder.Seen::standIn, StandInRecorder.Seen::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ToRepository", "memory://var/mail/dmarc-rejected/"));
            assertThat(attribute(mail, DmarcAttributes.DMARC_RESULT)).contains("fail");
            assertThat(attribute(mail, DmarcAttributes.DMARC_DISPOSITION)).contains("reject");
            assertThat(attribute(mail, DmarcAttributes.DMARC_APPLIED_DISPOSITION)).contains("reject");
            assertThat(attribute(mail, DmarcAttributes.DKIM_RESULT)).contains("none");
            assertThat(attribute(mail, DmarcAttributes.DKIM_DOMAIN)).isEmpty();
            assertThat(attribute(mail, DmarcAttributes.SPF_RESULT)).contains("none");
            assertThat(attribute(mail, DmarcAttributes.SPF_DOMAIN)).contains("spoofer.example");

            EvaluationRecord record = recorded(mail);
            assertThat(record.result()).isEqualTo(DmarcResult.FAIL);
            assertThat(record.disposition()).isEqualTo(Disposition.REJECT);
            assertThat(record.domains().getFirst().policyEvaluated().reasons()).isEmpty();
            assertThat(james.metrics().countFor(DmarcEvaluate.METRIC_REJECTED)).isEqualTo(1);
        }
    }

    @Test
    void withEnforcementQuarantineARejectIsQuarantinedAndTheRecordSaysSo() throws Exception {
        MailImpl mail = spoof("Mail-spoof-quarantine", "spoof-2@example.org");
        try (JamesPipeline james = james("quarantine")) {
            james.service(mail);

            StandInRecorder.Seen delivered = single(james.standIns().seen("LocalDelivery"));
            assertThat(delivered.folders()).containsEntry(RECIPIENT, List.of("Spam"));
            assertThat(attribute(mail, DmarcAttributes.DMARC_DISPOSITION)).contains("reject");
            assertThat(attribute(mail, DmarcAttributes.DMARC_APPLIED_DISPOSITION)).contains("quarantine");

            EvaluationRecord record = recorded(mail);
            assertThat(record.disposition()).isEqualTo(Disposition.QUARANTINE);
            assertThat(record.domains().getFirst().policyEvaluated().disposition().known()).isEqualTo(Disposition.QUARANTINE);
            assertThat(record.domains().getFirst().policyEvaluated().reasons()).extracting(PolicyOverrideReason::type)
                .extracting(type -> type.known()).containsExactly(OverrideType.LOCAL_POLICY);
            assertThat(james.metrics().countFor(DmarcEvaluate.METRIC_QUARANTINED)).isEqualTo(1);
        }
    }

    @Test
    void inMonitorModeASpoofIsDeliveredAndTheRecordSaysNothingWasApplied() throws Exception {
        MailImpl mail = spoof("Mail-spoof-monitor", "spoof-3@example.org");
        try (JamesPipeline james = james("monitor")) {
            james.service(mail);

            StandInRecorder.Seen delivered = single(james.standIns().seen("LocalDelivery"));
            assertThat(delivered.folders()).containsEntry(RECIPIENT, List.of(StandInRecorder.INBOX));
            assertThat(new String(delivered.message(), StandardCharsets.UTF_8)).startsWith("Authentication-Results: " + AUTHSERV_ID + ";")
                .contains("dmarc=fail (p=reject sp=reject dis=reject)");
            assertThat(attribute(mail, DmarcAttributes.DMARC_DISPOSITION)).contains("reject");
            assertThat(attribute(mail, DmarcAttributes.DMARC_APPLIED_DISPOSITION)).contains("none");

            EvaluationRecord record = recorded(mail);
            assertThat(record.result()).isEqualTo(DmarcResult.FAIL);
            assertThat(record.disposition()).isEqualTo(Disposition.NONE);
            assertThat(record.domains().getFirst().policyEvaluated().reasons()).singleElement().satisfies(reason -> {
                assertThat(reason.type().known()).isEqualTo(OverrideType.LOCAL_POLICY);
                assertThat(reason.comment()).hasValueSatisfying(comment -> assertThat(comment).contains("monitoring only"));
            });
        }
    }

    @Test
    void aQuarantinePolicyGoesToSpamAndTestModeIsAppliedOneLevelLower() throws Exception {
        MailImpl quarantine = spoofOf(DmarcZone.QUARANTINE, "Mail-q", "q-1@quarantine.example");
        MailImpl testing = spoofOf(DmarcZone.TESTING, "Mail-t", "t-1@testing.example");
        try (JamesPipeline james = james("enforce")) {
            james.service(quarantine);
            james.service(testing);

            assertThat(james.standIns().seen("LocalDelivery")).extracting(seen -> seen.folders().get(RECIPIENT))
                .containsExactly(List.of("Spam"), List.of("Spam"));
            assertThat(attribute(testing, DmarcAttributes.DMARC_TESTING)).contains("y");
            assertThat(attribute(testing, DmarcAttributes.DMARC_POLICY)).contains("quarantine");
            EvaluationRecord record = recorded(testing);
            assertThat(record.disposition()).isEqualTo(Disposition.QUARANTINE);
            assertThat(record.domains().getFirst().policyEvaluated().reasons()).extracting(reason -> reason.type().known())
                .containsExactly(OverrideType.POLICY_TEST_MODE);
        }
    }

    @Test
    void aForwardedMessageFailsSpfButPassesOnItsSignature() throws Exception {
        byte[] signed = zone.sign(DmarcZone.message("alice@" + DmarcZone.REJECT, "fwd-1@example.org"), DmarcZone.REJECT);
        MailImpl mail = InboundMail.of("Mail-forwarded", signed, "alice@" + DmarcZone.REJECT, RECIPIENT);
        mail.setRemoteAddr(DmarcZone.FORWARDER_ADDRESS);
        mail.setRemoteHost("lists.forwarder.example");
        try (JamesPipeline james = james("enforce")) {
            james.service(mail);

            assertThat(single(james.standIns().seen("LocalDelivery")).folders()).containsEntry(RECIPIENT, List.of(StandInRecorder.INBOX));
            assertThat(attribute(mail, DmarcAttributes.SPF_RESULT)).contains("fail");
            assertThat(attribute(mail, DmarcAttributes.DKIM_RESULT)).contains("pass");
            assertThat(attribute(mail, DmarcAttributes.DMARC_RESULT)).contains("pass");
            EvaluationRecord record = recorded(mail);
            assertThat(record.sourceIp().text()).isEqualTo(DmarcZone.FORWARDER_ADDRESS);
            assertThat(record.spf()).hasValueSatisfying(spf -> assertThat(spf.result().known()).isEqualTo(SpfResult.FAIL));
            assertThat(record.domains().getFirst().alignedDkimDomain()).contains(DmarcZone.REJECT);
        }
    }

    @Test
    void aDnsTimeoutIsATemporaryErrorAndTheMailIsDeliveredAsUsual() throws Exception {
        MailImpl mail = InboundMail.of("Mail-timeout", DmarcZone.message("carol@" + DmarcZone.UNREACHABLE, "slow-1@unreachable.example"),
            "carol@" + DmarcZone.NO_POLICY, RECIPIENT);
        try (JamesPipeline james = james("enforce")) {
            james.service(mail);

            StandInRecorder.Seen delivered = single(james.standIns().seen("LocalDelivery"));
            assertThat(delivered.folders()).containsEntry(RECIPIENT, List.of(StandInRecorder.INBOX));
            assertThat(new String(delivered.message(), StandardCharsets.UTF_8)).contains("dmarc=temperror");
            assertThat(attribute(mail, DmarcAttributes.DMARC_RESULT)).contains("temperror");
            assertThat(attribute(mail, DmarcAttributes.DMARC_APPLIED_DISPOSITION)).contains("none");
            assertThat(recorded(mail).result()).isEqualTo(DmarcResult.TEMPERROR);
            assertThat(zone.dns().txtQueries()).contains("_dmarc.unreachable.example");
        }
    }

    @Test
    void forgedAuthenticationResultsClaimingThisServerAreRemovedOthersKept() throws Exception {
        String forged = "Authentication-Results: " + AUTHSERV_ID.toUpperCase() + "; dmarc=pass header.from=example.org\r\n"
            + "Authentication-Results: mx.other.example;\r\n\tspf=pass smtp.mailfrom=example.org\r\n"
            + "Authentication-Results: (comment) \"" + AUTHSERV_ID + "\"; dkim=pass header.d=example.org\r\n";
        byte[] bytes = concat(forged, DmarcZone.message("alice@" + DmarcZone.REJECT, "forged-1@example.org"));
        MailImpl mail = InboundMail.of("Mail-forged", bytes, "spoofer@spoofer.example", RECIPIENT);
        try (JamesPipeline james = james("monitor")) {
            james.service(mail);

            String text = new String(single(james.standIns().seen("LocalDelivery")).message(), StandardCharsets.UTF_8);
            String header = text.substring(0, text.indexOf("\r\n\r\n") + 2);
            assertThat(header.split("Authentication-Results: ", -1)).hasSize(3);
            assertThat(header).startsWith("Authentication-Results: " + AUTHSERV_ID + ";\r\n\tdkim=none")
                .contains("Authentication-Results: mx.other.example;\r\n\tspf=pass smtp.mailfrom=example.org\r\n")
                .doesNotContain("EXAMPLE.COM", "(comment)");
            assertThat(attribute(mail, DmarcAttributes.DMARC_RESULT)).contains("fail");
        }
    }

    @Test
    void jamesSpfResultIsTakenAsItIsAndTheHeloNameStandsInForANullSender() throws Exception {
        byte[] bytes = DmarcZone.message("alice@" + DmarcZone.NONE, "spf-1@none.example");
        MailImpl checkedByJames = InboundMail.of("Mail-james-spf", bytes, "alice@" + DmarcZone.NONE, RECIPIENT);
        checkedByJames.setAttribute(new Attribute(DmarcAttributes.JAMES_SPF_RESULT, AttributeValue.of("softfail")));
        MailImpl bounce = InboundMail.of("Mail-null-sender", DmarcZone.message("mailer-daemon@" + DmarcZone.NONE, "dsn-1@none.example"),
            null, RECIPIENT);
        bounce.setAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mx1." + DmarcZone.NONE)));
        try (JamesPipeline james = james("enforce")) {
            james.service(checkedByJames);
            james.service(bounce);

            assertThat(attribute(checkedByJames, DmarcAttributes.SPF_RESULT)).contains("softfail");
            assertThat(zone.dns().txtQueries()).as("no SPF query of its own").doesNotContain(DmarcZone.NONE);
            EvaluationRecord record = recorded(bounce);
            assertThat(record.helo()).contains("mx1." + DmarcZone.NONE);
            assertThat(record.envelopeFrom()).isEmpty();
            assertThat(record.spf()).hasValueSatisfying(spf -> {
                assertThat(spf.scope()).hasValueSatisfying(scope -> assertThat(scope.known()).isEqualTo(SpfScope.HELO));
                assertThat(spf.domain()).isEqualTo("mx1." + DmarcZone.NONE);
            });
        }
    }

    @Test
    void mailOfOurOwnUsersAndMailetsIsNotEvaluatedButSpoofedLocalSendersAre() throws Exception {
        byte[] bytes = concat("Authentication-Results: " + AUTHSERV_ID + "; dmarc=pass header.from=example.com\r\n",
            DmarcZone.message("ceo@example.com", "own-1@example.com"));
        List<MailImpl> own = List.of(
            withAttribute(InboundMail.of("Own-auth", bytes, "ceo@example.com", RECIPIENT), Mail.SMTP_AUTH_USER, AttributeValue.of("ceo@example.com")),
            withAttribute(InboundMail.of("Own-network", bytes, "ceo@example.com", RECIPIENT), DmarcAttributes.JAMES_AUTHORIZED_NETWORK,
                AttributeValue.of(true)),
            withAttribute(InboundMail.of("Own-mailet", bytes, "ceo@example.com", RECIPIENT), Mail.SENT_BY_MAILET_ATTRIBUTE.getName(),
                Mail.SENT_BY_MAILET_ATTRIBUTE.getValue()),
            withAttribute(InboundMail.of("Own-report", bytes, "ceo@example.com", RECIPIENT), DmarcAttributes.OUTBOUND_REPORT,
                AttributeValue.of(true)),
            withAttribute(InboundMail.of("Own-jmap", bytes, "ceo@example.com", RECIPIENT), DmarcAttributes.JAMES_JMAP_SENDER,
                AttributeValue.of("ceo@example.com")));
        MailImpl spoofed = InboundMail.of("Spoofed-local", DmarcZone.message("ceo@example.com", "spoofed-local@example.com"),
            "ceo@example.com", RECIPIENT);
        try (JamesPipeline james = james("enforce")) {
            for (MailImpl mail : own) {
                james.service(mail);
            }
            james.service(spoofed);

            for (MailImpl mail : own) {
                assertThat(mail.attributeNames().map(AttributeName::asString)).as(mail.getName()).noneMatch(n -> n.startsWith("io.jamesdmarc.dmarc"));
            }
            List<StandInRecorder.Seen> delivered = james.standIns().seen("LocalDelivery");
            assertThat(delivered).hasSize(own.size() + 1);
            for (StandInRecorder.Seen seen : delivered.subList(0, own.size())) {
                // not evaluated, and the field claiming our authserv-id is gone all the same
                assertThat(new String(seen.message(), StandardCharsets.UTF_8)).as(seen.mailName()).doesNotContain("Authentication-Results");
            }
            assertThat(james.metrics().countFor(DmarcEvaluate.METRIC_SKIPPED)).isEqualTo(own.size());
            assertThat(attribute(spoofed, DmarcAttributes.DMARC_RESULT)).contains("none");
            awaitRecorded(1);
            assertThat(evaluations.count()).isEqualTo(1);
        }
    }

    @Test
    void aMailJamesHandsOverAgainIsRecordedOnce() throws Exception {
        byte[] bytes = DmarcZone.message("alice@" + DmarcZone.QUARANTINE, "retry-1@quarantine.example");
        try (JamesPipeline james = james("monitor")) {
            MailImpl first = InboundMail.of("Mail1718-retried", bytes, "alice@" + DmarcZone.QUARANTINE, RECIPIENT);
            james.service(first);
            // a retry (the spooler, or an administrator reprocessing the mail), and a copy James made of it
            james.service(InboundMail.of("Mail1718-retried", bytes, "alice@" + DmarcZone.QUARANTINE, RECIPIENT));
            james.service(InboundMail.of("Mail1718-retried!aB3d", bytes, "alice@" + DmarcZone.QUARANTINE, RECIPIENT));

            recorded(first);
            Thread.sleep(300); // what a second record would need to arrive
            assertThat(evaluations.count()).isEqualTo(1);
            assertThat(james.standIns().seen("LocalDelivery")).hasSize(3);
        }
    }

    @Test
    void oneLinePerEvaluatedMail() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(DmarcEvaluate.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        MailImpl mail = spoof("Mail-logged", "logged-1@example.org");
        try (JamesPipeline james = james("quarantine")) {
            james.service(mail);
        } finally {
            logger.detachAppender(log);
        }
        String id = attribute(mail, DmarcAttributes.EVALUATION_ID).orElseThrow();
        assertThat(log.list.stream().filter(event -> event.getLevel() == Level.INFO).map(ILoggingEvent::getFormattedMessage)
            .filter(line -> line.startsWith("DMARC "))).containsExactly(
            "DMARC fail for mail Mail-logged <logged-1@example.org> from 192.0.2.25: header.from example.org (policy example.org p=reject): "
                + "asks reject, applied quarantine (enforcement quarantine); dkim=none spf=none (spoofer.example); "
                + recordedExplanation(id) + "; evaluation " + id);
    }

    @Test
    void withoutRecordingNoDatabaseIsNeeded() throws Exception {
        MailImpl mail = spoof("Mail-unrecorded", "unrecorded-1@example.org");
        try (JamesPipeline james = JamesPipeline.builder()
                .mailetContainerXml(mailetContainer("<enforcement>enforce</enforcement><recording>false</recording>"
                    + "<dns.servers>" + zone.dnsServers() + "</dns.servers>"))
                .start()) {
            james.service(mail);

            assertThat(attribute(mail, DmarcAttributes.DMARC_APPLIED_DISPOSITION)).contains("reject");
            assertThat(attribute(mail, DmarcAttributes.EVALUATION_ID)).isEmpty();
            assertThat(james.standIns().seen()).extracting(StandInRecorder.Seen::standIn).containsExactly("ToRepository");
        }
        assertThat(evaluations.count()).isZero();
    }

    @Test
    void theMatchersSeeNothingOnAMailThatWasNotEvaluated() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").recipient(RECIPIENT).build();
        io.jamesdmarc.matchers.IsDmarcDisposition matcher = new io.jamesdmarc.matchers.IsDmarcDisposition();
        matcher.init(org.apache.mailet.base.test.FakeMatcherConfig.builder().matcherName("IsDmarcDisposition").condition("reject,quarantine")
            .mailetContext(org.apache.mailet.base.test.FakeMailContext.defaultContext()).build());
        assertThat(matcher.match(mail)).isEmpty();
        mail.setAttribute(new Attribute(DmarcAttributes.DMARC_APPLIED_DISPOSITION, AttributeValue.of("quarantine")));
        assertThat(matcher.match(mail)).extracting(Object::toString).containsExactly(RECIPIENT);
        mail.setAttribute(new Attribute(DmarcAttributes.DMARC_APPLIED_DISPOSITION, AttributeValue.of("none")));
        assertThat(matcher.match(mail)).isEmpty();
    }

    /** A message claiming to be from a {@code p=reject} domain, unsigned, from a server its SPF does not know of. */
    private static MailImpl spoof(String name, String messageId) throws Exception {
        return spoofOf(DmarcZone.REJECT, name, messageId);
    }

    private static MailImpl spoofOf(String domain, String name, String messageId) throws Exception {
        return InboundMail.of(name, DmarcZone.message("Accounts <billing@" + domain + ">", messageId), "bounce@spoofer.example", RECIPIENT);
    }

    private String recordedExplanation(String id) throws Exception {
        return evaluations.find(id).orElseThrow().explanation();
    }

    private static <T extends Mail> T withAttribute(T mail, AttributeName name, AttributeValue<?> value) {
        mail.setAttribute(new Attribute(name, value));
        return mail;
    }

    private static Optional<String> attribute(Mail mail, AttributeName name) {
        return AttributeUtils.getValueAndCastFromMail(mail, name, String.class);
    }

    /** The evaluation recorded for the mail, once the recorder has stored it. */
    private EvaluationRecord recorded(Mail mail) throws Exception {
        String id = attribute(mail, DmarcAttributes.EVALUATION_ID).orElseThrow(() -> new AssertionError("no evaluation id on " + mail.getName()));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Optional<EvaluationRecord> record = evaluations.find(id);
            if (record.isPresent()) {
                return record.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("evaluation " + id + " of " + mail.getName() + " not stored within 10 s");
            }
            Thread.sleep(20);
        }
    }

    private void awaitRecorded(long count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (evaluations.count() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static byte[] concat(String header, byte[] message) {
        byte[] head = header.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + message.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(message, 0, all, head.length, message.length);
        return all;
    }

    private static <T> T single(List<T> list) {
        assertThat(list).hasSize(1);
        return list.get(0);
    }
}
