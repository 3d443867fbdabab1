package io.jamesdmarc.mailets;

import static io.jamesdmarc.storage.testing.EvaluationFixtures.evaluation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.model.aggregate.PolicyPublished;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.evaluation.record.RecordedPolicy;
import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.PsdFlag;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.testing.EvaluationFixtures;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TcpProxy;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * The reporter's decisions on evaluations as stored (written here directly, as the recorder would):
 * what it refuses to send and the reason the store gives, next to one it sends.
 */
class FailureReporterDecisionsTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static LoopbackDnsServer dns;

    @BeforeAll
    static void startDns() {
        dns = LoopbackDnsServer.start("example.com. TXT \"v=spf1 -all\"\n");
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    static EvaluationRecord failing(String messageId, Instant at, RecordedPolicy policy) {
        return evaluation().at(at).messageId(messageId).policy(policy)
            .evaluated(DmarcResult.FAIL, Disposition.REJECT, PolicyResult.FAIL, PolicyResult.FAIL)
            .failureReport(EnumSet.of(FailureOption.ALL_FAIL), "From: x@example.com\r\nMessage-ID: " + messageId + "\r\n").build();
    }

    static RecordedPolicy policy(List<String> ruf, Optional<PsdFlag> psd) {
        RecordedPolicy base = EvaluationFixtures.policy("example.com", PolicyAction.REJECT);
        PolicyPublished p = base.published();
        PolicyPublished published = new PolicyPublished(p.domain(), p.adkim(), p.aspf(), p.p(), p.sp(), p.np(), p.pct(), p.fo(),
            p.testing(), p.discoveryMethod(), psd.map(Enumerated::of));
        return new RecordedPolicy(base.record(), published, base.rua(), ruf);
    }

    static String properties() {
        return "db.url = " + DB.config().url() + "\ndb.user = " + DB.config().user() + "\ndb.password = "
            + DB.config().password() + "\ndns.servers = 127.0.0.1:" + dns.address().getPort() + "\ndns.timeoutMillis = 300\n"
            + "dns.attempts = 1\n";
    }

    @Test
    void aDestinationTheDnsCannotVerifyNowIsTriedAgainLater() throws Exception {
        DB.truncateAll();
        String check = "example.com._report._dmarc.reports.example";
        new EvaluationRepository(DB.dataSource()).store(List.of(
            failing("<later@x>", Instant.now(), policy(List.of("mailto:ruf@reports.example"), Optional.empty()))));
        dns.failWith(check, LoopbackDnsServer.Fault.SERVFAIL);
        try (JamesPipeline james = JamesPipeline.builder().mailetContainerXml(DmarcFailureReporterTest.mailetContainer(
                "<failurePollSeconds>3600</failurePollSeconds>")).dmarcProperties(properties()).start()) {
            SqlProbe sql = new SqlProbe(DB.dataSource());
            assertThat(DmarcFailureReporterTest.reporter(james).sendDueReports().handedBack()).isEqualTo(1);
            assertThat(sql.strings("SELECT failure_report_state FROM evaluation_domains")).containsExactly("due");
            assertThat(sql.count("failure_report_sends")).isZero();

            dns.clearFaults();
            dns.load(check + ". TXT \"v=DMARC1\"\n");
            DmarcFailureReporterTest.reporter(james).sendDueReports();

            assertThat(james.sentMails()).hasSize(1);
            assertThat(sql.strings("SELECT CONCAT_WS(' ', destination, reason) FROM failure_report_sends"))
                .containsExactly("ruf@reports.example sent");
        } finally {
            dns.clearFaults();
        }
    }

    @Test
    void aDatabaseDownWhenJamesStartsLosesNoReport() throws Exception {
        DB.truncateAll();
        new EvaluationRepository(DB.dataSource()).store(List.of(
            failing("<outage@x>", Instant.now(), policy(List.of("mailto:fail@example.com"), Optional.empty()))));
        try (TcpProxy proxy = TcpProxy.before(DB.config())) {
            proxy.stop();
            String proxied = properties().replace(DB.config().url(), proxy.config().url());
            try (JamesPipeline james = JamesPipeline.builder().mailetContainerXml(DmarcFailureReporterTest.mailetContainer(
                    "<failurePollSeconds>3600</failurePollSeconds>")).dmarcProperties(proxied).start()) {
                DmarcFailureReporter reporter = DmarcFailureReporterTest.reporter(james);
                assertThatThrownBy(reporter::sendDueReports).isInstanceOf(SQLException.class);
                assertThat(james.sentMails()).isEmpty();

                proxy.start();
                reporter.sendDueReports();

                assertThat(james.sentMails()).hasSize(1);
                assertThat(new SqlProbe(DB.dataSource()).strings("SELECT failure_report_state FROM evaluation_domains"))
                    .containsExactly("sent");
            }
        }
    }

    @Test
    void eachRefusalIsRecordedWithItsReason() throws Exception {
        DB.truncateAll();
        Instant now = Instant.now();
        List<String> ruf = List.of("mailto:fail@example.com");
        new EvaluationRepository(DB.dataSource()).store(List.of(
            failing("<ok@x>", now, policy(ruf, Optional.empty())),
            failing("<old@x>", now.minus(Duration.ofDays(3)), policy(ruf, Optional.empty())),
            failing("<psd@x>", now, policy(ruf, Optional.of(PsdFlag.YES))),
            failing("<noruf@x>", now, policy(List.of(), Optional.empty())),
            failing("<https@x>", now, policy(List.of("https://example.com/ruf"), Optional.empty()))));
        try (JamesPipeline james = JamesPipeline.builder().mailetContainerXml(DmarcFailureReporterTest.mailetContainer(
                "<failureSendFrequency>10 per 1 day</failureSendFrequency><failurePollSeconds>3600</failurePollSeconds>"))
            .dmarcProperties(properties()).start()) {
            DmarcFailureReporterTest.reporter(james).sendDueReports();

            assertThat(james.sentMails()).hasSize(1);
            assertThat(new SqlProbe(DB.dataSource()).strings("SELECT CONCAT_WS(' ', e.message_id, s.outcome, s.reason) "
                + "FROM failure_report_sends s JOIN evaluations e ON e.record_id = s.record_id ORDER BY e.message_id"))
                .containsExactly("<https@x> suppressed ignored", "<noruf@x> suppressed no_destination", "<ok@x> sent sent",
                    "<old@x> suppressed too_old", "<psd@x> suppressed ignored");
            assertThat(new SqlProbe(DB.dataSource()).strings("SELECT detail FROM failure_report_sends WHERE reason = 'ignored' ORDER BY id"))
                .anySatisfy(detail -> assertThat(detail).contains("psd=y"))
                .anySatisfy(detail -> assertThat(detail).contains("https"));
        }
    }
}
