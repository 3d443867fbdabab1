package io.jamesdmarc.model.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.google.common.io.ByteSource;
import com.google.common.io.CountingInputStream;
import com.google.common.io.CountingOutputStream;

import io.jamesdmarc.model.aggregate.AggregateReadSummary;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportHandler;
import io.jamesdmarc.model.aggregate.AggregateReportReader;
import io.jamesdmarc.model.aggregate.ReportFormat;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.testing.AggregateReportGenerator;
import io.jamesdmarc.model.testing.Corpus;

/**
 * How fast a large gzipped aggregate report is decompressed and read, streaming, records counted
 * and dropped. Run by {@code ./bench parse [RECORDS [RUNS]]} (heap capped at 64 MB); the target is
 * 200,000 records (about 146 MB of XML) in under 2 seconds.
 *
 * <p>The report is generated once by {@link AggregateReportGenerator} and cached under
 * {@code model/target/bench/}.
 */
public final class ParseBenchmark {

    /** Bump when the generator changes, so a stale cached report is not measured. */
    private static final int GENERATOR_VERSION = 1;
    private static final long SEED = 20_260_501L;

    private ParseBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long records = args.length > 0 ? Long.parseLong(args[0]) : 200_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Path file = Corpus.projectRoot().resolve("model/target/bench")
            .resolve("aggregate-rfc7489-" + records + "-v" + GENERATOR_VERSION + ".xml.gz");
        if (!Files.isRegularFile(file)) {
            generate(file, records);
        }
        System.out.printf(Locale.ROOT, "report: %s (%.1f MB gzipped), heap max %d MB, %d processors%n",
            file.getFileName(), Files.size(file) / 1e6, Runtime.getRuntime().maxMemory() >> 20,
            Runtime.getRuntime().availableProcessors());

        AggregateReportReader reader = AggregateReportReader.withDefaultLimits();
        List<Double> seconds = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            CountingGzipSource source = new CountingGzipSource(file);
            Counter counter = new Counter();
            long start = System.nanoTime();
            AggregateReadSummary summary = reader.read(source, counter);
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (summary.records() != records || counter.records != records) {
                throw new IllegalStateException("read " + counter.records + " records of " + records);
            }
            seconds.add(elapsed);
            System.out.printf(Locale.ROOT, "run %d: %.3f s  %,.0f records/s  %.1f MB/s of XML (%.1f MB, %,d records, count sum %,d)%n",
                run, elapsed, records / elapsed, source.xmlBytes() / 1e6 / elapsed, source.xmlBytes() / 1e6, summary.records(),
                summary.countSum());
        }
        List<Double> sorted = new ArrayList<>(seconds);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "parse: best %.3f s, median %.3f s, first (cold JVM) %.3f s for %,d records%n",
            sorted.get(0), sorted.get(sorted.size() / 2), seconds.get(0), records);
    }

    private static void generate(Path file, long records) throws IOException {
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        long start = System.nanoTime();
        CountingOutputStream xml;
        try (OutputStream out = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16), 1 << 16)) {
            xml = new CountingOutputStream(out);
            new AggregateReportGenerator(SEED, ReportFormat.RFC7489).writeReport(xml, records);
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
        System.out.printf(Locale.ROOT, "generated %,d records: %.1f MB of XML, %.1f MB gzipped, in %.1f s%n",
            records, xml.getCount() / 1e6, Files.size(file) / 1e6, (System.nanoTime() - start) / 1e9);
    }

    /** The report's XML as the reader gets it: decompressed from the file as it is read. */
    private static final class CountingGzipSource extends ByteSource {
        private final Path file;
        private CountingInputStream last;

        CountingGzipSource(Path file) {
            this.file = file;
        }

        @Override
        public InputStream openStream() throws IOException {
            last = new CountingInputStream(new GZIPInputStream(Files.newInputStream(file), 1 << 16));
            return last;
        }

        long xmlBytes() {
            return last.getCount();
        }
    }

    /** Counts records and keeps none. */
    private static final class Counter implements AggregateReportHandler<RuntimeException> {
        long records;

        @Override
        public void header(AggregateReport report) {
        }

        @Override
        public void record(ReportRecord record) {
            records++;
        }
    }
}
