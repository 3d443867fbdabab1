package io.jamesdmarc.storage.embedded;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

import io.jamesdmarc.storage.Database;
import io.jamesdmarc.storage.ingest.IngestOutcome;
import io.jamesdmarc.storage.ingest.ReceivedMessage;
import io.jamesdmarc.storage.ingest.ReceivedMessageRef;
import io.jamesdmarc.storage.ingest.ReportStore;
import io.jamesdmarc.storage.testing.ReportFixtures;
import io.jamesdmarc.storage.testing.TestReportSource;

/**
 * Another process using an embedded database home, for {@link EmbeddedDatabaseTest}: {@code hold}
 * uses the server until told to stop on stdin; {@code import} stores the same reports as any other
 * import child, like {@code dmarc import} run twice at once. Answers on lines starting with "CHILD ".
 */
public final class EmbeddedDatabaseChild {

    static final String MARK = "CHILD ";

    private EmbeddedDatabaseChild() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[1]);
        switch (args[0]) {
            case "hold" -> hold(home);
            case "import" -> importReports(home, Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("mode " + args[0]);
        }
    }

    private static void hold(Path home) throws Exception {
        try (EmbeddedDatabase embedded = EmbeddedDatabase.start(home)) {
            System.out.println(MARK + "started port=" + embedded.port() + " here=" + embedded.startedHere());
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        System.out.println(MARK + "closed");
    }

    private static void importReports(Path home, int reports) throws Exception {
        int stored = 0;
        int duplicates = 0;
        try (EmbeddedDatabase embedded = EmbeddedDatabase.start(home); Database database = Database.open(embedded.config())) {
            ReportStore store = database.reportStore();
            ReceivedMessageRef file = store.recordMessage(
                ReceivedMessage.file(Path.of("/reports/batch-" + ProcessHandle.current().pid() + ".zip"), "00", Instant.now()).build());
            Instant day = Instant.parse("2026-05-10T00:00:00Z");
            for (int i = 1; i <= reports; i++) {
                IngestOutcome outcome = store.storeAggregate(file, TestReportSource.generated(
                    ReportFixtures.header("google.com", "noreply-dmarc-support@google.com", "import-" + i, "example.com", day,
                        day.plusSeconds(86_399)), 50, ReportFixtures::generatedRecord));
                if (outcome.duplicate()) {
                    duplicates++;
                } else {
                    stored++;
                }
            }
            System.out.println(MARK + "imported stored=" + stored + " duplicate=" + duplicates + " here=" + embedded.startedHere());
        }
    }
}
