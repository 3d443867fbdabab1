package io.jamesdmarc.mailets;

import static io.jamesdmarc.mailets.DmarcReportReceiverTest.RUA;
import static io.jamesdmarc.mailets.DmarcReportReceiverTest.dmarcProperties;
import static io.jamesdmarc.mailets.DmarcReportReceiverTest.mailetContainer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import jakarta.mail.MessagingException;

import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.mailets.testing.GeneratedReport;
import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.mailets.testing.ReportMails;
import io.jamesdmarc.mailets.testing.StandInRecorder;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TcpProxy;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * The database goes away and comes back: James starts anyway, a mail whose report cannot be stored
 * is never dropped nor delivered as if stored (it fails for James to retry, or goes to the error
 * processor), and once the database is back the same mail is stored. The database is reached
 * through a {@link TcpProxy} the test stops (open connections cut, new ones refused) and resumes.
 */
class DatabaseOutageTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private TcpProxy proxy;
    private String proxiedUrl;
    private SqlProbe sql;

    @BeforeEach
    void proxy() throws Exception {
        DB.truncateAll();
        sql = new SqlProbe(DB.dataSource());
        proxy = TcpProxy.before(DB.config());
        proxiedUrl = proxy.config().url();
    }

    @AfterEach
    void closeProxy() throws Exception {
        proxy.close();
    }

    private JamesPipeline james(String onMailetException) throws Exception {
        return JamesPipeline.builder()
            .mailetContainerXml(mailetContainer("", "", onMailetException))
            .dmarcProperties(dmarcProperties(DB, proxiedUrl))
            .start();
    }

    private static MailImpl reportMail(String name, long seed) throws MessagingException {
        return InboundMail.of(name, GeneratedReport.of(seed, "example.com", 20).mail(name + "@reporter.example"), ReportMails.REPORTER, RUA);
    }

    @Test
    void downWhenJamesStartsThenUpNothingIsLost() throws Exception {
        proxy.stop();
        try (JamesPipeline james = james("propagate")) {
            assertThatThrownBy(() -> james.service(reportMail("Mail1", 1)))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("DMARC report mail Mail1 not stored: cannot connect to the DMARC database at " + proxiedUrl);
            assertThat(james.standIns().seen()).as("neither delivered nor dropped: James keeps it to retry").isEmpty();
            assertThat(james.metrics().countFor(DmarcReportReceiver.METRIC_STORE_ERRORS)).isEqualTo(1);

            proxy.start();
            james.service(reportMail("Mail1", 1)); // James's retry: the same mail again

            assertThat(sql.count("aggregate_reports")).isEqualTo(1);
            assertThat(sql.count("aggregate_records")).isEqualTo(20);
            assertThat(sql.strings("SELECT origin_key FROM received_messages")).containsExactly("Mail1");
            assertThat(james.standIns().seen("LocalDelivery")).extracting(StandInRecorder.Seen::mailName).containsExactly("Mail1");
        }
    }

    @Test
    void lostWhileRunningThenBackTheRetriedMailIsStored() throws Exception {
        proxy.start();
        try (JamesPipeline james = james("propagate")) {
            james.service(reportMail("Mail2", 2));

            proxy.stop(); // the pool's connections are cut, new ones refused
            assertThatThrownBy(() -> james.service(reportMail("Mail3", 3)))
                .isInstanceOf(MessagingException.class).hasMessageContaining("DMARC report mail Mail3 not stored");
            proxy.start();
            james.service(reportMail("Mail3", 3));

            assertThat(sql.count("aggregate_reports")).isEqualTo(2);
            assertThat(sql.strings("SELECT CONCAT(m.origin_key, ' ', c.outcome) FROM received_message_contents c "
                + "JOIN received_messages m ON m.id = c.received_message_id ORDER BY m.origin_key")).containsExactly("Mail2 stored", "Mail3 stored");
            assertThat(james.standIns().seen("LocalDelivery")).extracting(StandInRecorder.Seen::mailName).containsExactly("Mail2", "Mail3");
        }
    }

    @Test
    void withJamesDefaultHandlingTheMailGoesToTheErrorProcessorAndIsStoredWhenReprocessed() throws Exception {
        proxy.stop();
        try (JamesPipeline james = james(null)) {
            MailImpl mail = reportMail("Mail4", 4);
            james.service(mail);

            assertThat(mail.getErrorMessage()).contains("DMARC report mail Mail4 not stored");
            assertThat(james.standIns().seen()).extracting(StandInRecorder.Seen::standIn, StandInRecorder.Seen::detail,
                    StandInRecorder.Seen::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ToRepository", "memory://var/mail/error/", Mail.ERROR));

            proxy.start();
            james.service(reportMail("Mail4", 4)); // reprocessed from the error repository into root

            assertThat(sql.count("aggregate_reports")).isEqualTo(1);
            assertThat(james.standIns().seen("LocalDelivery")).extracting(StandInRecorder.Seen::mailName).containsExactly("Mail4");
        }
    }
}
