package io.jamesdmarc.model.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import com.google.common.io.ByteSource;
import com.google.common.io.MoreFiles;

import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportHandler;
import io.jamesdmarc.model.aggregate.AggregateReportSource;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.model.unpack.ReportExtractor;
import io.jamesdmarc.model.unpack.ReportSink;

/**
 * {@code ./bench unpack}: how fast, and in how little memory, the extractor refuses decompression
 * bombs (the corpus's two, and generated 1 GiB ones) and streams a 200,000-record report out of a
 * gzip in a mail. Runs in a 64 MB heap: finishing at all shows memory stays bounded.
 *
 * <p>Reports per case: the first run's wall time (cold, in a fresh JVM for the first case), the median of the repetitions, bytes allocated per run by the extracting
 * thread, and the heap's peak during the runs above what was in use before them (all heap pools, after
 * a GC and a peak reset; the inputs themselves are held in memory beforehand).
 */
public final class UnpackBenchmark {

    private static final int WARMUP = 5;
    private static final int RUNS = 15;

    public static void main(String[] args) throws Exception {
        ReportExtractor extractor = new ReportExtractor(ParseLimits.DEFAULTS);
        List<Case> cases = new ArrayList<>();
        Optional<Corpus> corpus = Corpus.find();
        if (corpus.isPresent()) {
            for (String bomb : List.of("aggregate/JasperWallace__django-dmarc2/email-large-gz.eml",
                "aggregate/JasperWallace__django-dmarc2/email-large-zip.eml")) {
                Path file = corpus.get().file(bomb);
                cases.add(new Case("corpus " + file.getFileName(), MoreFiles.asByteSource(file)));
            }
        } else {
            System.out.println("(corpus not found: its bombs are skipped)");
        }
        cases.add(new Case("gzip bomb, 1 GiB of blanks after <feedback>", ByteSource.wrap(gzipOf("<?xml version=\"1.0\"?><feedback>", 1L << 30))));
        cases.add(new Case("same bomb base64 in a mail", ByteSource.wrap(mailWith(gzipOf("<feedback>", 1L << 30)))));
        cases.add(new Case("200,000-record report, gzip in a mail", ByteSource.wrap(mailWith(bigReport(200_000)))));

        System.out.printf("%-44s %8s %10s %13s %13s  %s%n", "case", "first ms", "median ms", "allocated MB", "heap peak MB", "outcome");
        for (Case c : cases) {
            run(extractor, c);
        }
    }

    private record Case(String name, ByteSource input) {
    }

    private static void run(ReportExtractor extractor, Case c) {
        long coldStart = System.nanoTime();
        once(extractor, c);
        long cold = System.nanoTime() - coldStart;
        for (int i = 1; i < WARMUP; i++) {
            once(extractor, c);
        }
        long[] times = new long[RUNS];
        System.gc();
        long baseline = heapUsed();
        resetPeaks();
        long allocatedBefore = allocatedBytes();
        String outcome = "";
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            outcome = once(extractor, c);
            times[i] = System.nanoTime() - start;
        }
        long allocated = (allocatedBytes() - allocatedBefore) / RUNS;
        Arrays.sort(times);
        System.out.printf("%-44s %8.1f %10.1f %13.1f %13.1f  %s%n", c.name(), cold / 1e6, times[RUNS / 2] / 1e6, allocated / 1e6,
            (peakHeap() - baseline) / 1e6, outcome);
    }

    private static String once(ReportExtractor extractor, Case c) {
        long[] records = {0};
        try {
            extractor.extract(c.input(), c.name(), new ReportSink<RuntimeException>() {
                @Override
                public void aggregate(AggregateReportSource report) throws ReportParseException {
                    report.read(new AggregateReportHandler<RuntimeException>() {
                        @Override
                        public void header(AggregateReport header) {
                        }

                        @Override
                        public void record(ReportRecord record) {
                            records[0]++;
                        }
                    });
                }

                @Override
                public void failure(FailureReport report, String location) {
                }
            });
            return "read, " + records[0] + " records";
        } catch (ReportParseException e) {
            String message = e.getMessage();
            return e.problem() + ": " + (message.length() > 90 ? message.substring(0, 90) + "..." : message);
        }
    }

    private static byte[] gzipOf(String prefix, long blanks) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16)) {
            gzip.write(prefix.getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1 << 16];
            Arrays.fill(chunk, (byte) ' ');
            for (long left = blanks; left > 0; left -= chunk.length) {
                gzip.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
        return out.toByteArray();
    }

    private static byte[] bigReport(int records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(out, 1 << 16)) {
            gzip.write(("<?xml version=\"1.0\"?><feedback><report_metadata><org_name>Bench</org_name><email>b@example.net</email>"
                + "<report_id>bench-1</report_id><date_range><begin>1780272000</begin><end>1780358399</end></date_range>"
                + "</report_metadata><policy_published><domain>example.com</domain><p>none</p></policy_published>\n")
                .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < records; i++) {
                gzip.write(("<record><row><source_ip>10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255)
                    + "</source_ip><count>" + (1 + i % 7) + "</count><policy_evaluated><disposition>none</disposition>"
                    + "<dkim>pass</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from>"
                    + "</identifiers><auth_results><dkim><domain>example.com</domain><selector>s" + (i % 5) + "</selector>"
                    + "<result>pass</result></dkim><spf><domain>bounce" + (i % 13) + ".example.net</domain><result>fail</result>"
                    + "</spf></auth_results></record>\n").getBytes(StandardCharsets.US_ASCII));
            }
            gzip.write("</feedback>\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static byte[] mailWith(byte[] gzip) {
        String mail = "From: reports@example.net\r\nTo: rua@example.com\r\nSubject: Report domain: example.com\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nReport attached.\r\n"
            + "--b\r\nContent-Type: application/gzip; name=\"report.xml.gz\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(gzip) + "\r\n--b--\r\n";
        return mail.getBytes(StandardCharsets.US_ASCII);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private UnpackBenchmark() {
    }
}
