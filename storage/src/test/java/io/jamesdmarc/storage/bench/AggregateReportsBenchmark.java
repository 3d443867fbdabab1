package io.jamesdmarc.storage.bench;

import static io.jamesdmarc.storage.testing.EvaluationFixtures.dkim;
import static io.jamesdmarc.storage.testing.EvaluationFixtures.evaluation;
import static io.jamesdmarc.storage.testing.EvaluationFixtures.policy;
import static io.jamesdmarc.storage.testing.EvaluationFixtures.spf;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import io.jamesdmarc.model.destination.DestinationStatus;
import io.jamesdmarc.model.destination.ReportDestination;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.outbound.ReporterIdentity;
import io.jamesdmarc.model.outbound.SendFrequency;
import io.jamesdmarc.model.policy.ReportUri;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.storage.Database;
import io.jamesdmarc.storage.DatabaseConfig;
import io.jamesdmarc.storage.embedded.EmbeddedDatabase;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.outbound.AggregateReporting;
import io.jamesdmarc.storage.outbound.OutboundAggregateReports;
import io.jamesdmarc.storage.outbound.ReportDestinations;
import io.jamesdmarc.storage.outbound.ReportOutcome;
import io.jamesdmarc.storage.outbound.ReportSender;
import io.jamesdmarc.storage.outbound.ReportingSettings;

/**
 * Issue 6's benchmark: from 1,000,000 recorded evaluations across 1,000 policy domains (one UTC day),
 * all aggregate reports generated (records read and grouped, XML written, gzipped, the mail built; no
 * sending) in under 30 s with a heap of 256 MB.
 *
 * <p>The evaluations are stored through {@link EvaluationRepository#store} in batches (2 threads) into
 * database {@value #DATABASE} on the MariaDB at 127.0.0.1:3306 (else an embedded one in
 * {@code storage/target/bench-db}), and kept for the next run ({@code DROP DATABASE dmarc_bench_aggregate}
 * frees them). Each domain's mail comes from 40 sources, a quarter of it failing DMARC (spoofs from 10
 * other sources, forwarded mail with a second signature): about 100 records per report, 100,000 in all.
 *
 * <p>Timed: (1) the dry run, as {@code dmarc reports send --dry-run} does it: every report built and
 * handed to a sender that only counts bytes, nothing recorded; (2) the real run, as the mailet's
 * scheduler does it: each report claimed in the database, built, "sent" (counted), recorded, and its
 * evaluations marked. Run with {@code ./bench aggregate [EVALUATIONS [DOMAINS]]}.
 */
public final class AggregateReportsBenchmark {

    static final String DATABASE = "dmarc_bench_aggregate";
    private static final Instant DAY = Instant.parse("2026-05-20T00:00:00Z");
    private static final Instant NEXT_MORNING = Instant.parse("2026-05-21T06:00:00Z");
    private static final int BATCH = 2_000;
    private static final ReportDestinations ALL_INTERNAL = (domain, rua) -> rua.stream().map(ReportUri::parse)
        .map(uri -> new ReportDestination(uri, DestinationStatus.INTERNAL, List.of(uri.mailbox().orElseThrow()), "benchmark")).toList();

    private AggregateReportsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long total = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int domains = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        EmbeddedDatabase embedded = null;
        DatabaseConfig config;
        if (serverAnswers()) {
            config = DatabaseConfig.of("jdbc:mariadb://127.0.0.1:3306/" + DATABASE + "?createDatabaseIfNotExist=true", "root", "")
                .withPoolSize(4);
        } else {
            embedded = EmbeddedDatabase.start(Corpus.projectRoot().resolve("storage/target/bench-db"));
            config = embedded.config(DATABASE + "?createDatabaseIfNotExist=true").withPoolSize(4);
        }
        try (Database database = Database.open(config); Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            EvaluationRepository evaluations = new EvaluationRepository(database.dataSource());
            System.out.printf(Locale.ROOT, "database: %s on MariaDB %s, heap max %d MB%n", DATABASE, value(statement, "SELECT VERSION()"),
                Runtime.getRuntime().maxMemory() >> 20);
            long stored = evaluations.count();
            long storedDomains = Long.parseLong(value(statement, "SELECT COUNT(DISTINCT policy_domain) FROM evaluation_domains"));
            if (stored != total || storedDomains != domains) {
                System.out.printf(Locale.ROOT, "loading %,d evaluations across %,d policy domains (%,d stored before)...%n", total, domains,
                    stored);
                statement.execute("DELETE FROM outbound_aggregate_reports");
                statement.execute("TRUNCATE TABLE evaluation_failures");
                statement.execute("TRUNCATE TABLE evaluation_dkim_results");
                statement.execute("TRUNCATE TABLE evaluation_domains");
                statement.execute("SET FOREIGN_KEY_CHECKS = 0");
                statement.execute("TRUNCATE TABLE evaluations");
                statement.execute("SET FOREIGN_KEY_CHECKS = 1");
                long start = System.nanoTime();
                load(evaluations, total, domains);
                System.out.printf(Locale.ROOT, "loaded in %.1f s%n", (System.nanoTime() - start) / 1e9);
            } else {
                System.out.printf(Locale.ROOT, "reusing the %,d evaluations across %,d policy domains stored by an earlier run%n", stored,
                    storedDomains);
                long start = System.nanoTime();
                statement.execute("DELETE FROM outbound_aggregate_reports");
                int unmarked = statement.executeUpdate("UPDATE evaluation_domains SET aggregate_report_id = NULL, aggregate_reported_at = NULL "
                    + "WHERE aggregate_report_id IS NOT NULL");
                System.out.printf(Locale.ROOT, "(%,d marks of the last run cleared in %.1f s)%n", unmarked, (System.nanoTime() - start) / 1e9);
            }
            // where the time goes: the queries alone, without building anything
            long queries = System.nanoTime();
            List<io.jamesdmarc.storage.evaluation.ReportablePolicy> policies = evaluations.reportablePolicies(DAY, DAY.plusSeconds(86_400));
            double policiesSeconds = (System.nanoTime() - queries) / 1e9;
            long rows = 0;
            for (io.jamesdmarc.storage.evaluation.ReportablePolicy policy : policies) {
                rows += evaluations.aggregateRows(policy.policyDomain(), policy.policyHash(), DAY, DAY.plusSeconds(86_400)).size();
            }
            System.out.printf(Locale.ROOT, "queries alone: the day's %,d reports found in %.1f s, their %,d records read in %.1f s more%n",
                policies.size(), policiesSeconds, rows, (System.nanoTime() - queries) / 1e9 - policiesSeconds);
            ReporterIdentity identity = ReporterIdentity.defaults("mx.example.net");
            OutboundAggregateReports reports = new OutboundAggregateReports(database.dataSource());
            for (String run : List.of("dry run (built, nothing recorded)", "real run (claimed, built, recorded, evaluations marked)")) {
                boolean dry = run.startsWith("dry");
                Counting sender = new Counting();
                AggregateReporting reporting = new AggregateReporting(evaluations, reports,
                    ReportingSettings.defaults(identity, "benchmark"), ALL_INTERNAL, sender);
                System.gc();
                long start = System.nanoTime();
                List<ReportOutcome> outcomes = reporting.sendDue(SendFrequency.DAILY, NEXT_MORNING, dry);
                double seconds = (System.nanoTime() - start) / 1e9;
                long records = outcomes.stream().mapToLong(ReportOutcome::records).sum();
                long messages = outcomes.stream().mapToLong(ReportOutcome::messages).sum();
                System.out.printf(Locale.ROOT, "%s: %,d reports (%,d parts), %,d records, %,d messages, %.1f MB of gzip, %.1f MB of XML in "
                        + "%.1f s (%,.0f evaluations/s); heap peak %d MB%n", run, outcomes.size(), sender.parts.get(), records, messages,
                    sender.gzip.get() / 1e6, sender.xml.get() / 1e6, seconds, messages / seconds, heapPeakMegabytes());
            }
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** Stores the evaluations in batches from 2 threads: each domain's share spread over the day. */
    private static void load(EvaluationRepository evaluations, long total, int domains) throws Exception {
        AtomicLong next = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                writers.add(threads.submit(() -> {
                    List<EvaluationRecord> batch = new ArrayList<>(BATCH);
                    for (long n = next.getAndAdd(BATCH); n < total; n = next.getAndAdd(BATCH)) {
                        batch.clear();
                        for (long i = n; i < Math.min(total, n + BATCH); i++) {
                            batch.add(evaluationNumber(i, total, domains));
                        }
                        evaluations.store(batch);
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            threads.shutdown();
        }
    }

    /** The n-th evaluation: domain n % domains, at a time spread over the day. */
    static EvaluationRecord evaluationNumber(long n, long total, int domains) {
        int d = (int) (n % domains);
        String domain = "d" + d + ".example";
        long perDomain = n / domains;
        Instant at = DAY.plusMillis((long) ((double) n / total * 86_399_000L));
        int kind = (int) (perDomain % 8);
        long mixed = (perDomain * 0x9E3779B97F4A7C15L + d) >>> 33;
        int source = (int) (mixed % 40);
        String ip = "10." + (d / 256) + "." + (d % 256) + "." + (source + 1);
        if (kind < 6) {
            return evaluation().id(UUID.randomUUID().toString()).at(at).source(ip).headerFrom(domain).envelopeFrom(domain)
                .envelopeTo("example.net").messageId(null).policy(policy(domain, PolicyAction.REJECT))
                .dkim(dkim(domain, "s" + (mixed / 40 % 2), DkimResult.PASS)).spf(spf(domain, SpfResult.PASS)).build();
        }
        if (kind == 6) {
            // forwarded: the author's signature survived, a second one added, SPF of the forwarder fails
            return evaluation().id(UUID.randomUUID().toString()).at(at).source("198.51.100." + (source % 4 + 1)).headerFrom(domain)
                .envelopeFrom("lists.example.org").envelopeTo("example.net").messageId(null).policy(policy(domain, PolicyAction.REJECT))
                .dkim(dkim(domain, "s0", DkimResult.PASS), dkim("lists.example.org", "list", DkimResult.PASS))
                .spf(spf("lists.example.org", SpfResult.FAIL))
                .evaluated(DmarcResult.PASS, Disposition.PASS, PolicyResult.PASS, PolicyResult.FAIL).build();
        }
        // a spoof
        return evaluation().id(UUID.randomUUID().toString()).at(at).source("203.0.113." + (source % 10 + 1)).headerFrom(domain)
            .envelopeFrom("spoof.example").envelopeTo("example.net").messageId(null).policy(policy(domain, PolicyAction.REJECT))
            .dkim().spf(spf("spoof.example", SpfResult.SOFTFAIL))
            .evaluated(DmarcResult.FAIL, Disposition.REJECT, PolicyResult.FAIL, PolicyResult.FAIL).build();
    }

    /** Counts what it is given; sends nothing. */
    private static final class Counting implements ReportSender {
        final AtomicLong parts = new AtomicLong();
        final AtomicLong gzip = new AtomicLong();
        final AtomicLong xml = new AtomicLong();

        @Override
        public void send(io.jamesdmarc.storage.outbound.OutgoingReport report) {
            parts.incrementAndGet();
            gzip.addAndGet(report.part().gzip().length);
            xml.addAndGet(report.part().xmlBytes());
        }
    }

    private static long heapPeakMegabytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak >> 20;
    }

    private static String value(Statement statement, String sql) throws Exception {
        try (ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }

    private static boolean serverAnswers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 3306), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
