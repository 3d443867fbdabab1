package io.jamesdmarc.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import io.jamesdmarc.model.aggregate.ReportFormat;
import io.jamesdmarc.model.testing.AggregateReportGenerator;

/** Gzipped aggregate reports made by the model's generator, written to files: for import tests and the import benchmark. */
public final class GeneratedReports {

    private GeneratedReports() {
    }

    /** {@code count} reports of {@code records} records each, {@code <prefix>-<n>.xml.gz} in {@code folder}; the same seed gives the same files. */
    public static List<Path> write(Path folder, String prefix, int count, long records, long seed) throws IOException {
        Files.createDirectories(folder);
        List<Path> files = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            Path file = folder.resolve(prefix + "-" + i + ".xml.gz");
            AggregateReportGenerator generator = new AggregateReportGenerator(seed * 1_000_003L + i,
                i % 2 == 0 ? ReportFormat.RFC9990 : ReportFormat.RFC7489, "example.com");
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
                generator.writeReport(out, records);
            }
            files.add(file);
        }
        return files;
    }
}
