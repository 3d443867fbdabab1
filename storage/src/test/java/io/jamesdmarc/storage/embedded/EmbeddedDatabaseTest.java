package io.jamesdmarc.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.storage.Database;
import io.jamesdmarc.storage.ingest.IngestOutcome;
import io.jamesdmarc.storage.ingest.ReceivedMessage;
import io.jamesdmarc.storage.ingest.ReceivedMessageRef;
import io.jamesdmarc.storage.ingest.ReportStore;
import io.jamesdmarc.storage.testing.ReportFixtures;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestClassPath;
import io.jamesdmarc.storage.testing.TestReportSource;

/**
 * The embedded MariaDB (11.4), always, even where a server runs at 127.0.0.1:3306: migrations and a
 * store/read round trip on it, a restart keeping the data, and several processes sharing one home.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedDatabaseTest {

    private static final Pattern STARTED = Pattern.compile("started port=(\\d+) here=(true|false)");
    private static final Pattern IMPORTED = Pattern.compile("imported stored=(\\d+) duplicate=(\\d+) here=(true|false)");

    @TempDir
    Path home;

    @Test
    void migratesStoresAndReadsBackThenKeepsTheDataOverARestart() throws Exception {
        AggregateReport header = ReportFixtures.header("google.com", "noreply-dmarc-support@google.com", "embedded-1", "example.com",
            Instant.parse("2026-05-10T00:00:00Z"), Instant.parse("2026-05-10T23:59:59Z"));
        TestReportSource source = TestReportSource.generated(header, 120, ReportFixtures::generatedRecord);
        int port;
        try (EmbeddedDatabase embedded = EmbeddedDatabase.start(home); Database database = Database.open(embedded.config())) {
            port = embedded.port();
            assertThat(embedded.startedHere()).isTrue();
            SqlProbe sql = new SqlProbe(database.dataSource());
            assertThat(sql.strings("SELECT VERSION()").get(0)).startsWith("11.4");
            assertThat(sql.strings("SELECT version FROM james_dmarc_schema_history WHERE success = 1")).containsExactly("1", "2", "3", "10", "11", "12", "13");

            ReportStore store = database.reportStore();
            ReceivedMessageRef message = store.recordMessage(ReceivedMessage.mail("embedded-mail", Instant.now()).build());
            IngestOutcome outcome = store.storeAggregate(message, source);
            assertThat(store.storeAggregate(message, source).duplicate()).isTrue();

            List<ReportRecord> read = new ArrayList<>();
            AggregateReport[] readHeader = new AggregateReport[1];
            database.storedReports().readAggregate(outcome.id(), new io.jamesdmarc.model.aggregate.AggregateReportHandler<RuntimeException>() {
                @Override
                public void header(AggregateReport report) {
                    readHeader[0] = report;
                }

                @Override
                public void record(ReportRecord record) {
                    read.add(record);
                }
            });
            assertThat(readHeader[0]).isEqualTo(header);
            assertThat(read).isEqualTo(source.records());
        }
        assertThat(EmbeddedServer.answers(port, new EmbeddedServer(home.toRealPath()).credentials())).as("stopped by its last user").isFalse();
        assertThat(Files.getPosixFilePermissions(home.resolve("credentials.properties")))
            .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        try (EmbeddedDatabase again = EmbeddedDatabase.start(home); Database database = Database.open(again.config())) {
            assertThat(again.startedHere()).isTrue();
            assertThat(new SqlProbe(database.dataSource()).count("aggregate_records")).isEqualTo(120);
        }
    }

    @Test
    void aSecondProcessJoinsAndTheLastOneToLeaveStopsTheServer() throws Exception {
        EmbeddedDatabase mine = EmbeddedDatabase.start(home);
        Process child = child("hold", home.toString());
        try (BufferedReader out = reader(child); Writer in = child.outputWriter(StandardCharsets.UTF_8)) {
            Matcher started = await(out, STARTED);
            assertThat(Integer.parseInt(started.group(1))).isEqualTo(mine.port());
            assertThat(started.group(2)).isEqualTo("false");

            int port = mine.port();
            mine.close();
            assertThat(EmbeddedServer.answers(port, credentials())).as("kept running for the other process").isTrue();

            in.write("close\n");
            in.flush();
            await(out, Pattern.compile("closed"));
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(EmbeddedServer.answers(port, credentials())).as("stopped by the last process").isFalse();
            assertThat(home.resolve("server.properties")).doesNotExist();
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void twoImportsRunAtOnceStoreEachReportOnce() throws Exception {
        int reports = 30;
        Process first = child("import", home.toString(), Integer.toString(reports));
        Process second = child("import", home.toString(), Integer.toString(reports));
        try (BufferedReader firstOut = reader(first); BufferedReader secondOut = reader(second)) {
            Matcher a = await(firstOut, IMPORTED);
            Matcher b = await(secondOut, IMPORTED);
            assertThat(first.waitFor(60, TimeUnit.SECONDS) && second.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(Integer.parseInt(a.group(1)) + Integer.parseInt(b.group(1))).as("stored").isEqualTo(reports);
            assertThat(Integer.parseInt(a.group(2)) + Integer.parseInt(b.group(2))).as("duplicates").isEqualTo(reports);
            assertThat(List.of(a.group(3), b.group(3))).as("one started the server, the other joined").containsExactlyInAnyOrder("true", "false");
        } finally {
            first.destroyForcibly();
            second.destroyForcibly();
        }
        try (EmbeddedDatabase embedded = EmbeddedDatabase.start(home); Database database = Database.open(embedded.config())) {
            SqlProbe sql = new SqlProbe(database.dataSource());
            assertThat(sql.count("aggregate_reports")).isEqualTo(reports);
            assertThat(sql.count("aggregate_records")).isEqualTo(reports * 50L);
            assertThat(sql.count("received_messages")).isEqualTo(2);
        }
    }

    private EmbeddedServer.Credentials credentials() throws IOException {
        return new EmbeddedServer(home.toRealPath()).credentials();
    }

    private static Process child(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(TestClassPath.java(), "-cp", TestClassPath.of(),
            EmbeddedDatabaseChild.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static BufferedReader reader(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads the child's output until its answer matching {@code pattern}; its log lines are echoed for diagnosis. */
    private static Matcher await(BufferedReader out, Pattern pattern) throws IOException {
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            seen.append(line).append('\n');
            if (line.startsWith(EmbeddedDatabaseChild.MARK)) {
                Matcher matcher = pattern.matcher(line.substring(EmbeddedDatabaseChild.MARK.length()));
                if (matcher.matches()) {
                    return matcher;
                }
            }
        }
        throw new AssertionError("the child ended without answering " + pattern + "; it wrote:\n" + seen);
    }
}
