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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jamesdmarc.confsamples.Samples;
import io.jamesdmarc.mailets.DmarcReportReceiver;
import io.jamesdmarc.mailets.testing.DmarcZone;
import io.jamesdmarc.mailets.testing.GeneratedReport;
import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.mailets.testing.ReportMails;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * Report mails per second through the sample {@code mailetcontainer.xml} (James's real processors,
 * the receiver storing into MariaDB, then James's routing to the mailbox): each mail carries a
 * typical aggregate report of 20 records, gzipped, and is serviced by as many threads as the
 * sample's spooler has. Run with {@code ./bench pipeline [MAILS [THREADS [tuned]]]} (heap 256 MB); uses
 * the MariaDB at 127.0.0.1:3306 when it answers, else the embedded one, in a database of its own.
 * The receiver's line per mail goes to {@code conf-samples/target/bench/pipeline.log}. The stand-ins
 * for James's delivery mailets record each mail, without copying it.
 *
 * <p>{@code tuned} sets what README's deployment section recommends for {@code conf/jvm.properties}:
 * {@value #STREAM_PROVIDER}, without which jakarta.mail looks its stream provider up on the whole
 * class path each time it parses a header block (James's own parsing included).
 */
public final class PipelineBenchmark {

    static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider=org.eclipse.angus.mail.util.MailStreamProvider";
    private static final int WARM_UP = 300;
    private static final int RECORDS = 20;
    private static final Pattern SPOOLER_THREADS = Pattern.compile("(?s)<spooler>.*?<threads>(\\d+)</threads>");

    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path log = Corpus.projectRoot().resolve("conf-samples/target/bench/pipeline.log");
        Files.createDirectories(log.getParent());
        System.setProperty("jamesdmarc.bench.log", log.toString());
        System.setProperty("logback.configurationFile", Corpus.projectRoot().resolve("conf-samples/src/test/resources/logback-bench.xml").toString());

        int mails = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : spoolerThreads();
        boolean tuned = args.length > 2 && args[2].equals("tuned");
        if (tuned) {
            String[] property = STREAM_PROVIDER.split("=", 2);
            System.setProperty(property[0], property[1]);
        }
        List<byte[]> warmUp = reportMails("warm-up", WARM_UP);
        List<byte[]> measured = reportMails("measured", mails);

        try (TestDatabase db = TestDatabase.create("pipeline_benchmark");
             DmarcZone dns = DmarcZone.start();
             JamesPipeline james = Samples.james(db.config(), db.config().url(), dns.dnsServers()).keepMessages(false).start()) {
            SqlProbe sql = new SqlProbe(db.dataSource());
            System.out.printf(Locale.ROOT, "database: %s (%s); %d spool threads; %s; heap max %d MB; %d mails of one %d-record "
                + "gzipped report (%,d bytes on average)%n", db.name(), sql.strings("SELECT VERSION()").get(0), threads,
                tuned ? STREAM_PROVIDER : "no jvm.properties tuning",
                Runtime.getRuntime().maxMemory() >> 20, mails, RECORDS, measured.stream().mapToInt(m -> m.length).sum() / mails);

            run(james, "warm-up", warmUp, threads);
            long cpuBefore = processCpuNanos();
            long[] latencies = run(james, "mail", measured, threads);
            long cpu = processCpuNanos() - cpuBefore;
            long elapsed = latencies[latencies.length - 1];
            Arrays.sort(latencies, 0, latencies.length - 1);

            long stored = sql.count("aggregate_reports");
            long records = sql.count("aggregate_records");
            if (stored != WARM_UP + mails || records != (long) (WARM_UP + mails) * RECORDS
                || james.metrics().countFor(DmarcReportReceiver.METRIC_STORED) != WARM_UP + mails
                || james.standIns().seen("LocalDelivery").size() != WARM_UP + mails) {
                throw new IllegalStateException("not every report was stored and delivered: " + stored + " reports, " + records + " records");
            }
            System.out.printf(Locale.ROOT, "%,d mails in %.2f s: %,.0f mails/s (%,.0f records/s); per mail p50 %.1f ms, p99 %.1f ms%n",
                mails, elapsed / 1e9, mails / (elapsed / 1e9), mails * (double) RECORDS / (elapsed / 1e9),
                latencies[(mails - 1) / 2] / 1e6, latencies[(int) ((mails - 1) * 0.99)] / 1e6);
            // the machine may be shared: what the pipeline itself costs, whatever else runs
            System.out.printf(Locale.ROOT, "JVM CPU time per mail: %.2f ms (%d cores; load average %.1f)%n", cpu / 1e6 / mails,
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** Services every mail on {@code threads} threads; the latencies of each, then the elapsed time, in nanoseconds. */
    private static long[] run(JamesPipeline james, String prefix, List<byte[]> mails, int threads) throws Exception {
        long[] times = new long[mails.size() + 1];
        AtomicInteger next = new AtomicInteger();
        ExecutorService spool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(spool.submit(() -> {
                for (int i = next.getAndIncrement(); i < mails.size(); i = next.getAndIncrement()) {
                    long begin = System.nanoTime();
                    james.service(InboundMail.of(prefix + "-" + i, mails.get(i), ReportMails.REPORTER, "dmarc-rua@example.com"));
                    times[i] = System.nanoTime() - begin;
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        times[mails.size()] = System.nanoTime() - start;
        spool.shutdown();
        return times;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static List<byte[]> reportMails(String prefix, int count) {
        List<byte[]> mails = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long seed = (prefix.hashCode() * 1_000_003L) + i;
            mails.add(GeneratedReport.of(seed, "example.com", RECORDS).mail(prefix + "-" + i + "@reporter.example"));
        }
        return mails;
    }

    /** As many threads as the sample's spooler runs. */
    private static int spoolerThreads() {
        Matcher threads = SPOOLER_THREADS.matcher(Samples.text("mailetcontainer.xml"));
        return threads.find() ? Integer.parseInt(threads.group(1)) : 20;
    }
}
