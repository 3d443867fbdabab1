package io.jamesdmarc.confsamples.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.server.core.MailImpl;

import io.jamesdmarc.confsamples.Samples;
import io.jamesdmarc.mailets.DmarcEvaluate;
import io.jamesdmarc.mailets.evaluate.RecorderMetrics;
import io.jamesdmarc.mailets.testing.DmarcZone;
import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * Inbound mails per second through the sample {@code mailetcontainer.xml} with DmarcEvaluate (James's
 * real processors, enforcement {@code enforce}): DKIM verification (RSA 2048), SPF and DMARC against
 * a DNS server on loopback whose answers the shared resolver caches after the first mails, the
 * Authentication-Results field, the matchers, James's routing to the mailbox (stand-in), and every
 * evaluation recorded into MariaDB. The mix: a third signed by their domain (pass), a third
 * authenticated by SPF only (pass), a third spoofs of {@code p=reject} and {@code p=quarantine}
 * domains. Serviced by as many threads as the sample's spooler has.
 *
 * <p>Run with {@code ./bench evaluate-pipeline [MAILS [THREADS]]} (heap 256 MB); uses the MariaDB at
 * 127.0.0.1:3306 when it answers, else the embedded one, in a database of its own. The line per mail
 * goes to {@code conf-samples/target/bench/evaluate-pipeline.log}.
 */
public final class EvaluatePipelineBenchmark {

    private static final int WARM_UP = 1_000;
    private static final int THREADS = 20;

    private EvaluatePipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path log = Corpus.projectRoot().resolve("conf-samples/target/bench/evaluate-pipeline.log");
        Files.createDirectories(log.getParent());
        System.setProperty("jamesdmarc.bench.log", log.toString());
        System.setProperty("logback.configurationFile", Corpus.projectRoot().resolve("conf-samples/src/test/resources/logback-bench.xml").toString());
        int mails = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : THREADS;

        try (TestDatabase db = TestDatabase.create("evaluate_pipeline_benchmark");
             DmarcZone zone = DmarcZone.start();
             JamesPipeline james = Samples.james(db.config(), db.config().url(), zone.dnsServers()).keepMessages(false).start()) {
            List<Inbound> kinds = List.of(
                new Inbound("signed", zone.sign(DmarcZone.message("Alice <alice@" + DmarcZone.REJECT + ">", "signed@example.org"),
                    DmarcZone.REJECT), "alice@" + DmarcZone.REJECT, InboundMail.REMOTE_ADDRESS),
                new Inbound("spf", DmarcZone.message("news@" + DmarcZone.QUARANTINE, "spf@quarantine.example"),
                    "bounces@" + DmarcZone.QUARANTINE, InboundMail.REMOTE_ADDRESS),
                new Inbound("spoof-reject", DmarcZone.message("billing@" + DmarcZone.REJECT, "spoof@example.org"),
                    "billing@" + DmarcZone.REJECT, DmarcZone.FORWARDER_ADDRESS),
                new Inbound("signed-quarantine", zone.sign(DmarcZone.message("Bob <bob@" + DmarcZone.QUARANTINE + ">", "s2@quarantine.example"),
                    DmarcZone.QUARANTINE), "bob@" + DmarcZone.QUARANTINE, InboundMail.REMOTE_ADDRESS),
                new Inbound("spf-none", DmarcZone.message("info@" + DmarcZone.NONE, "spf@none.example"),
                    "info@" + DmarcZone.NONE, InboundMail.REMOTE_ADDRESS),
                new Inbound("spoof-quarantine", DmarcZone.message("support@" + DmarcZone.QUARANTINE, "spoof@quarantine.example"),
                    "support@" + DmarcZone.QUARANTINE, DmarcZone.FORWARDER_ADDRESS));
            SqlProbe sql = new SqlProbe(db.dataSource());
            System.out.printf(Locale.ROOT, "database: %s (%s); %d spool threads; heap max %d MB; %,d mails (%s, in turn)%n", db.name(),
                sql.strings("SELECT VERSION()").get(0), threads, Runtime.getRuntime().maxMemory() >> 20, mails,
                kinds.stream().map(Inbound::kind).toList());

            run(james, "warm-up", kinds, WARM_UP, threads);
            long cpuBefore = processCpuNanos();
            long[] latencies = run(james, "mail", kinds, mails, threads);
            long cpu = processCpuNanos() - cpuBefore;
            long elapsed = latencies[mails];
            Arrays.sort(latencies, 0, mails);

            long drainStart = System.nanoTime();
            while (sql.count("evaluations") < WARM_UP + mails && System.nanoTime() - drainStart < 120_000_000_000L) {
                Thread.sleep(20);
            }
            long drained = System.nanoTime() - drainStart;
            long recorded = sql.count("evaluations");
            long evaluated = Arrays.stream(DmarcResult.values())
                .mapToLong(result -> james.metrics().countFor(DmarcEvaluate.resultMetric(result))).sum();
            if (recorded != WARM_UP + mails || evaluated != WARM_UP + mails) {
                throw new IllegalStateException("not every mail was evaluated and recorded: " + evaluated + " evaluated, " + recorded
                    + " recorded, of " + (WARM_UP + mails));
            }
            System.out.printf(Locale.ROOT, "%,d mails in %.2f s: %,.0f mails/s; per mail p50 %.2f ms, p99 %.2f ms; "
                    + "every evaluation in the database %.2f s after the last mail (%,d spooled)%n",
                mails, elapsed / 1e9, mails / (elapsed / 1e9), latencies[(mails - 1) / 2] / 1e6, latencies[(int) ((mails - 1) * 0.99)] / 1e6,
                drained / 1e9, james.metrics().countFor(RecorderMetrics.SPOOLED));
            System.out.printf(Locale.ROOT, "JVM CPU time per mail: %.2f ms (%d cores; load average %.1f); DNS queries sent: %d%n",
                cpu / 1e6 / mails, Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), zone.dns().queries().size());
        }
    }

    /** A kind of inbound mail: its bytes, MAIL FROM and SMTP client. */
    private record Inbound(String kind, byte[] bytes, String mailFrom, String client) {
    }

    /** Services {@code count} mails, the kinds in turn, on {@code threads} threads; the latency of each, then the elapsed time (ns). */
    private static long[] run(JamesPipeline james, String prefix, List<Inbound> kinds, int count, int threads) throws Exception {
        long[] times = new long[count + 1];
        AtomicInteger next = new AtomicInteger();
        ExecutorService spool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(spool.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    Inbound inbound = kinds.get(i % kinds.size());
                    MailImpl mail = InboundMail.of(prefix + "-" + i, inbound.bytes(), inbound.mailFrom(), "bob@example.com");
                    mail.setRemoteAddr(inbound.client());
                    long begin = System.nanoTime();
                    james.service(mail);
                    times[i] = System.nanoTime() - begin;
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        times[count] = System.nanoTime() - start;
        spool.shutdown();
        return times;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
