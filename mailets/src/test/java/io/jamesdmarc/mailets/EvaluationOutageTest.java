package io.jamesdmarc.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.AttributeUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.jamesdmarc.mailets.evaluate.RecorderMetrics;
import io.jamesdmarc.mailets.testing.DmarcZone;
import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TcpProxy;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * Recording never slows nor fails mail, and loses nothing: the database goes away twice while 20
 * spool threads evaluate mail, and James stops while it is away; once it is back, every evaluation
 * is in it, once.
 */
class EvaluationOutageTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final int THREADS = 20;
    private static final int PER_PHASE = 100;
    /** Far below the pool's 10 s wait for a connection: no mail waited for the database. */
    private static final Duration SLOWEST_ALLOWED = Duration.ofSeconds(3);

    private static DmarcZone zone;
    private static List<byte[]> passing;
    private static List<byte[]> spoofs;

    @TempDir
    Path spool;

    @BeforeAll
    static void messages() {
        zone = DmarcZone.start();
        passing = new ArrayList<>();
        spoofs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            passing.add(zone.sign(DmarcZone.message("alice@" + DmarcZone.REJECT, "outage-pass-" + i + "@example.org"), DmarcZone.REJECT));
            spoofs.add(DmarcZone.message("billing@" + DmarcZone.REJECT, "outage-spoof-" + i + "@example.org"));
        }
    }

    @AfterAll
    static void stopZone() {
        zone.close();
    }

    @Test
    void everyEvaluationIsStoredOnceThoughTheDatabaseWentAwayTwiceAndJamesStoppedWhileItWas() throws Exception {
        Map<String, String> ids = new ConcurrentHashMap<>();
        AtomicLong slowest = new AtomicLong();
        RecordingMetricFactory firstRun;
        try (TcpProxy proxy = TcpProxy.before(DB.config())) {
            String properties = "db.url = " + proxy.config().url() + "\n"
                + "db.user = " + DB.config().user() + "\ndb.password = " + DB.config().password() + "\n"
                + "dns.servers = " + zone.dnsServers() + "\n"
                + "evaluations.spoolDirectory = " + spool + "\n"
                + "evaluations.batchDelayMillis = 20\nevaluations.retrySeconds = 1\nevaluations.closeTimeoutSeconds = 1\n";
            try (JamesPipeline james = james(properties)) {
                firstRun = james.metrics();
                run(james, 0, ids, slowest);
                awaitStored(PER_PHASE);
                proxy.stop();
                run(james, 1, ids, slowest);
                proxy.start();
                run(james, 2, ids, slowest);
                proxy.stop();
                run(james, 3, ids, slowest);
                assertThat(james.standIns().seen("LocalDelivery")).as("every passing mail delivered").hasSize(4 * PER_PHASE / 2);
                assertThat(james.standIns().seen("ToRepository")).as("every spoof rejected").hasSize(4 * PER_PHASE / 2);
            } // James stops while the database is away: what it still held goes to the spool
            assertThat(firstRun.countFor(RecorderMetrics.SPOOLED)).as("spooled while the database was away").isPositive();
            proxy.start();

            // James starts again with the database back: the spool is replayed into it
            try (JamesPipeline james = james(properties)) {
                SqlProbe sql = awaitStored(ids.size());
                assertThat(sql.strings("SELECT record_id FROM evaluations")).containsExactlyInAnyOrderElementsOf(ids.values());
                assertThat(sql.strings("SELECT CONCAT(result, ' ', disposition, ' ', COUNT(*)) FROM evaluations "
                    + "GROUP BY result, disposition ORDER BY result"))
                    .containsExactly("fail reject " + 2 * PER_PHASE, "pass pass " + 2 * PER_PHASE);
                assertThat(james.metrics().countFor(RecorderMetrics.REPLAYED)).as("replayed when James started again").isPositive();
            }
        }
        assertThat(ids).hasSize(4 * PER_PHASE);
        assertThat(Set.copyOf(ids.values())).hasSize(4 * PER_PHASE);
        assertThat(Duration.ofNanos(slowest.get())).as("the slowest mail").isLessThan(SLOWEST_ALLOWED);
    }

    private static SqlProbe awaitStored(int evaluations) throws Exception {
        SqlProbe sql = new SqlProbe(DB.dataSource());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (sql.count("evaluations") < evaluations && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return sql;
    }

    private JamesPipeline james(String properties) throws Exception {
        return JamesPipeline.builder()
            .mailetContainerXml(DmarcEvaluateTest.mailetContainer("<enforcement>enforce</enforcement>"))
            .dmarcProperties(properties)
            .keepMessages(false)
            .start();
    }

    /** One phase: {@value #PER_PHASE} mails, half passing, half spoofs, through {@value #THREADS} spool threads. */
    private static void run(JamesPipeline james, int phase, Map<String, String> ids, AtomicLong slowest) throws Exception {
        ExecutorService spoolThreads = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < PER_PHASE; i++) {
                int n = phase * PER_PHASE + i;
                done.add(spoolThreads.submit(() -> {
                    byte[] bytes = (n % 2 == 0 ? passing : spoofs).get(n / 2 % 4);
                    MailImpl mail = InboundMail.of("Mail-outage-" + n, bytes, "alice@" + DmarcZone.REJECT, "bob@example.com");
                    if (n % 2 != 0) {
                        mail.setRemoteAddr(DmarcZone.FORWARDER_ADDRESS);
                    }
                    long start = System.nanoTime();
                    james.service(mail);
                    slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                    ids.put(mail.getName(), AttributeUtils.getValueAndCastFromMail(mail, DmarcAttributes.EVALUATION_ID, String.class)
                        .orElseThrow());
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            spoolThreads.shutdown();
        }
    }
}
