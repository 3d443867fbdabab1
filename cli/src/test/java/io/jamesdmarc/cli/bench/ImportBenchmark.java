package io.jamesdmarc.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.jamesdmarc.cli.DatabaseOptions;
import io.jamesdmarc.cli.DmarcCommand;
import io.jamesdmarc.cli.GeneratedReports;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.storage.DatabaseConfig;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * {@code dmarc import} end to end (reading, unpacking, parsing, storing), through the command
 * itself: one gzipped report of 200,000 records, then 1,000 gzipped reports of 20 records, each
 * a file of its own, after a warm-up import of 5,000 records. Run with {@code ./bench import} (heap
 * 128 MB). The reports are made by the model's generator and cached in {@code cli/target/bench/}.
 *
 * <p>Database: a fresh one of its own, dropped afterwards, on the server of {@code DMARC_DB_URL}
 * (with {@code DMARC_DB_USER}, {@code DMARC_DB_PASSWORD}) when set, else on 127.0.0.1:3306 when it
 * answers, else on the embedded MariaDB; {@code ./bench import --embedded} uses the embedded one.
 *
 * <p>Arguments: {@code [--embedded] [RECORDS [REPORTS [RECORDS_EACH [THREADS]]]]}.
 */
public final class ImportBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ImportBenchmark() {
    }

    public static void main(String[] arguments) throws Exception {
        List<String> args = new ArrayList<>(List.of(arguments));
        if (args.remove("--embedded")) {
            System.setProperty(TestDatabase.MODE, "embedded");
        } else {
            useServerOfTheEnvironment();
        }
        long largeRecords = args.size() > 0 ? Long.parseLong(args.get(0)) : 200_000;
        int smallReports = args.size() > 1 ? Integer.parseInt(args.get(1)) : 1_000;
        long smallRecords = args.size() > 2 ? Long.parseLong(args.get(2)) : 20;
        String threads = args.size() > 3 ? args.get(3) : "2";

        Path cache = Corpus.projectRoot().resolve("cli/target/bench");
        Path warmUp = cached(cache.resolve("warm-up"), "warm-up", 1, 5_000, 1);
        Path large = cached(cache.resolve("large-" + largeRecords), "large", 1, largeRecords, 2);
        Path small = cached(cache.resolve("small-" + smallReports + "x" + smallRecords), "small", smallReports, smallRecords, 3);

        try (TestDatabase db = TestDatabase.create("import_benchmark")) {
            SqlProbe sql = new SqlProbe(db.dataSource());
            System.out.printf(Locale.ROOT, "database: %s on %s (MariaDB %s), heap max %d MB, %d processors, --threads %s%n", db.name(),
                TestDatabase.embedded() ? "the embedded server" : "the server", sql.strings("SELECT VERSION()").get(0),
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(), threads);
            run(db.config(), threads, warmUp);
            report(String.format(Locale.ROOT, "1 report of %,d records (gzip, %,d bytes)", largeRecords, size(large)),
                run(db.config(), threads, large));
            report(String.format(Locale.ROOT, "%,d reports of %,d records (%,d gzip files)", smallReports, smallRecords, smallReports),
                run(db.config(), threads, small));
            System.out.printf(Locale.ROOT, "peak heap used: %d MB%n", peakHeapMegabytes());
        }
    }

    /** The reports, generated once (same seed, same files) into {@code folder}. */
    private static Path cached(Path folder, String prefix, int count, long records, long seed) throws IOException {
        Path done = folder.resolve(".complete");
        if (!Files.exists(done)) {
            System.out.printf(Locale.ROOT, "generating %,d report(s) of %,d records in %s (once)%n", count, records, folder);
            GeneratedReports.write(folder, prefix, count, records, seed);
            Files.createFile(done);
        }
        return count == 1 ? folder.resolve(prefix + "-1.xml.gz") : folder;
    }

    private record Timed(JsonNode summary, double seconds) {
    }

    /** {@code dmarc import --json} of the path, as the command line runs it; the wall time includes opening the database. */
    private static Timed run(DatabaseConfig database, String threads, Path path) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine command = DmarcCommand.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        long start = System.nanoTime();
        int status = command.execute("import", "--json", "--threads", threads, "--db", database.url(), "--db-user", database.user(),
            "--db-password", database.password(), path.toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        if (status != 0) {
            throw new IllegalStateException("dmarc import exited " + status + ": " + out + err);
        }
        try {
            return new Timed(JSON.readTree(out.toString()), seconds);
        } catch (IOException e) {
            throw new IllegalStateException("not the JSON summary: " + out, e);
        }
    }

    private static void report(String what, Timed timed) {
        JsonNode summary = timed.summary();
        System.out.printf(Locale.ROOT, "%s: %.2f s end to end (import %.2f s), %,d reports, %,d records, %,.0f records/s%n", what,
            timed.seconds(), summary.get("elapsed_seconds").asDouble(), summary.get("imported").asInt(), summary.get("records_imported").asLong(),
            summary.get("records_imported").asLong() / timed.seconds());
    }

    /** DMARC_DB_URL names a database; the benchmark makes a fresh one on the same server. */
    private static void useServerOfTheEnvironment() {
        String url = System.getenv(DatabaseOptions.ENV_URL);
        if (url == null || url.isBlank()) {
            return;
        }
        URI server = URI.create(url.strip().substring("jdbc:".length()));
        System.setProperty(TestDatabase.MODE, "server");
        System.setProperty(TestDatabase.SERVER_URL, "jdbc:mariadb://" + server.getHost() + ":" + (server.getPort() < 0 ? 3306 : server.getPort()) + "/");
        System.setProperty(TestDatabase.SERVER_USER, System.getenv().getOrDefault(DatabaseOptions.ENV_USER, ""));
        System.setProperty(TestDatabase.SERVER_PASSWORD, System.getenv().getOrDefault(DatabaseOptions.ENV_PASSWORD, ""));
    }

    private static long size(Path file) throws IOException {
        return Files.size(file);
    }

    private static long peakHeapMegabytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak >> 20;
    }
}
