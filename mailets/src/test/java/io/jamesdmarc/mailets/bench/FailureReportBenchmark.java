package io.jamesdmarc.mailets.bench;

import static io.jamesdmarc.storage.testing.EvaluationFixtures.evaluation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.jamesdmarc.mailets.DmarcFailureReporter;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.testing.EvaluationFixtures;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * How fast DmarcFailureReporter works through a backlog of failure reports, and that the rate limit
 * holds under it: REPORTS due reports (failing evaluations stored directly, a 2 KB header each) for
 * DESTINATIONS policy domains, each with its own ruf address, worked through by NODES James (each
 * with the mailet, limit 5 per day per address) with THREADS threads each calling
 * {@code sendDueReports()} at once. Prints reports decided per second, and checks that exactly
 * min(5, reports per address) were sent to each address and every report was decided once.
 *
 * <p>Run with {@code ./bench failure-reports [REPORTS [DESTINATIONS [NODES [THREADS]]]]} (heap 256 MB; defaults
 * 20,000, 500, 2, 4); uses the MariaDB at 127.0.0.1:3306 when it answers, else the embedded one, in a database of
 * its own dropped afterwards; DNS on loopback (no consent records needed: every address is in its policy domain).
 */
public final class FailureReportBenchmark {

    private static final int PER_DAY = 5;

    private FailureReportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int reports = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int destinations = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int nodes = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        try (TestDatabase db = TestDatabase.create("failure_report_benchmark"); LoopbackDnsServer dns = LoopbackDnsServer.start()) {
            SqlProbe sql = new SqlProbe(db.dataSource());
            Instant now = Instant.now();
            EvaluationRepository repository = new EvaluationRepository(db.dataSource());
            List<EvaluationRecord> batch = new ArrayList<>();
            String header = "Received: from mx (mx [198.51.100.7])\r\n".repeat(45) + "From: someone@example.com\r\nSubject: order\r\n";
            for (int i = 0; i < reports; i++) {
                String domain = "d" + (i % destinations) + ".example";
                batch.add(evaluation().at(now.minusMillis(reports - i)).headerFrom(domain).messageId("<" + i + "@bench>")
                    .policy(EvaluationFixtures.policy(domain, PolicyAction.REJECT))
                    .evaluated(DmarcResult.FAIL, Disposition.REJECT, PolicyResult.FAIL, PolicyResult.FAIL)
                    .failureReport(EnumSet.of(FailureOption.ALL_FAIL), header).build());
                if (batch.size() == 1000) {
                    repository.store(batch);
                    batch.clear();
                }
            }
            repository.store(batch);
            System.out.printf(Locale.ROOT, "database %s (%s); %,d reports due to %,d addresses; %d James, %d threads each, limit %d per "
                    + "address per day%n", db.name(), sql.strings("SELECT VERSION()").getFirst(), reports, destinations, nodes, threads,
                PER_DAY);

            String properties = "db.url = " + db.config().url() + "\ndb.user = " + db.config().user() + "\ndb.password = "
                + db.config().password() + "\ndns.servers = 127.0.0.1:" + dns.address().getPort() + "\n";
            String xml = """
                <mailetcontainer>
                  <processors enableJmx="false">
                    <processor state="root" enableJmx="false">
                      <mailet match="All" class="io.jamesdmarc.mailets.DmarcFailureReporter">
                        <failureSendFrequency>%d per 1 day</failureSendFrequency><failurePollSeconds>3600</failurePollSeconds>
                      </mailet>
                    </processor>
                    <processor state="error" enableJmx="false"><mailet match="All" class="Null"/></processor>
                  </processors>
                </mailetcontainer>
                """.formatted(PER_DAY);
            List<JamesPipeline> james = new ArrayList<>();
            try {
                for (int n = 0; n < nodes; n++) {
                    james.add(JamesPipeline.builder().mailetContainerXml(xml).dmarcProperties(properties).keepMessages(false).start());
                }
                ExecutorService pool = Executors.newFixedThreadPool(nodes * threads);
                long start = System.nanoTime();
                List<Future<?>> runs = new ArrayList<>();
                for (JamesPipeline node : james) {
                    DmarcFailureReporter reporter = node.mailets("root").stream().filter(DmarcFailureReporter.class::isInstance)
                        .map(DmarcFailureReporter.class::cast).findFirst().orElseThrow();
                    for (int t = 0; t < threads; t++) {
                        runs.add(pool.submit(() -> {
                            while (reporter.sendDueReports().claimed() > 0) {
                                // another batch
                            }
                            return null;
                        }));
                    }
                }
                for (Future<?> run : runs) {
                    run.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                pool.shutdown();
                long mails = james.stream().mapToLong(node -> node.sentMails().size()).sum();
                long expected = (long) destinations * Math.min(PER_DAY, (reports + destinations - 1) / destinations);
                List<String> outcomes = sql.strings("SELECT CONCAT(outcome, ' ', reason, ' ', COUNT(*)) FROM failure_report_sends "
                    + "GROUP BY outcome, reason ORDER BY outcome");
                long decided = sql.longs("SELECT COUNT(DISTINCT record_id) FROM failure_report_sends").getFirst();
                long owed = sql.longs("SELECT COUNT(*) FROM evaluation_domains WHERE failure_report_state IN ('due', 'sending')").getFirst();
                System.out.printf(Locale.ROOT, "%,d reports decided in %.1f s: %,.0f a second; %,d report mails (expected %,d); %s; "
                    + "%,d decided once each, %d still owed%n", decided, seconds, decided / seconds, mails, expected, outcomes, decided, owed);
                if (mails != expected || decided != reports || owed != 0) {
                    throw new AssertionError("the limit or the claims did not hold");
                }
            } finally {
                for (JamesPipeline node : james) {
                    node.close();
                }
            }
        }
    }
}
