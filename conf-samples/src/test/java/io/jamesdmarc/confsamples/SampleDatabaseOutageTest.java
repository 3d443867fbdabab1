package io.jamesdmarc.confsamples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import jakarta.mail.MessagingException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.mailets.testing.DmarcZone;
import io.jamesdmarc.mailets.testing.GeneratedReport;
import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.mailets.testing.ReportMails;
import io.jamesdmarc.mailets.testing.StandInRecorder;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TcpProxy;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * The sample's choice for a database outage ({@code onMailetException} propagate): James starts,
 * a report mail fails back to James's spooler (which retries it, then keeps it in its error
 * repository) instead of being bounced or delivered unstored, and the retry stores it; its DMARC
 * evaluation, made on every attempt and spooled while the database was away, is recorded once.
 */
class SampleDatabaseOutageTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @Test
    void aReportMailIsRetriedByJamesUntilTheDatabaseIsBack() throws Exception {
        byte[] mail = GeneratedReport.of(7, "example.com", 20).mail("outage@reporter.example");
        try (TcpProxy proxy = TcpProxy.before(DB.config()); DmarcZone dns = DmarcZone.start()) {
            proxy.stop();
            try (JamesPipeline james = Samples.james(DB.config(), proxy.config().url(),
                    dns.dnsServers()).start()) {
                for (int attempt = 1; attempt <= 2; attempt++) {
                    assertThatThrownBy(() -> james.service(InboundMail.of("Mail1", mail, ReportMails.REPORTER, "dmarc-rua@example.com")))
                        .isInstanceOf(MessagingException.class).hasMessageContaining("not stored");
                }
                assertThat(james.standIns().seen()).as("not bounced to the reporter, not delivered, not in a repository").isEmpty();
                assertThat(james.sentMails()).isEmpty();

                proxy.start();
                james.service(InboundMail.of("Mail1", mail, ReportMails.REPORTER, "dmarc-rua@example.com"));

                assertThat(new SqlProbe(DB.dataSource()).strings("SELECT CONCAT(record_count, ' ', message_count > 0) FROM aggregate_reports"))
                    .containsExactly("20 1");
                assertThat(james.standIns().seen()).extracting(StandInRecorder.Seen::standIn, StandInRecorder.Seen::mailName)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("LocalDelivery", "Mail1"));

                // evaluated on each of the three attempts, spooled while the database was away: recorded once
                SqlProbe sql = new SqlProbe(DB.dataSource());
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (sql.count("evaluations") == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                Thread.sleep(200);
                assertThat(sql.strings("SELECT CONCAT(message_id, ' ', result) FROM evaluations"))
                    .containsExactly("<outage@reporter.example> none");
            }
        }
    }
}
