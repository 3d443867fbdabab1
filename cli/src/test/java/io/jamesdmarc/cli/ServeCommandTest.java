package io.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.jamesdmarc.cli.demo.DemoDatabase;
import io.jamesdmarc.cli.demo.DemoReports;
import io.jamesdmarc.cli.web.ApiClient;
import io.jamesdmarc.cli.web.DashboardServer;
import io.jamesdmarc.storage.DatabaseConfig;
import io.jamesdmarc.storage.embedded.EmbeddedDatabase;

import picocli.CommandLine;

/**
 * {@code dmarc serve} as a newcomer runs it: {@code --demo} on a fresh data folder starts the
 * embedded MariaDB, fills {@value DemoDatabase#DATABASE} (never the real {@code dmarc} database)
 * and serves it, printing where; and the command lines it refuses.
 */
class ServeCommandTest {

    @TempDir
    Path dataDir;

    @Test
    void theDemoFillsItsOwnDatabaseAndServesIt() throws Exception {
        CommandLine commandLine = DmarcCommand.commandLine();
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        ServeCommand serve = commandLine.getSubcommands().get("serve").getCommand();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> status = thread.submit(() -> commandLine.execute("serve", "--demo", "--port", "0", "--data-dir", dataDir.toString()));
            DashboardServer server = awaitServer(serve, status, Duration.ofSeconds(120));

            assertThat(out.toString()).contains("Dashboard: http://localhost:" + server.address().getPort() + "/",
                "demo reports (" + DemoReports.DAYS * 12 + " aggregate");
            ApiClient api = new ApiClient(server.url());
            JsonNode domains = api.get("/api/exchange/dmarc-reports/domains").json();
            assertThat(domains.get("domains")).extracting(d -> d.get("domain").asText()).containsExactlyElementsOf(DemoReports.domains());
            JsonNode summary = api.get("/api/exchange/dmarc-reports/example.com/summary").json();
            assertThat(summary.get("reports").asLong()).isEqualTo(4L * DemoReports.DAYS);
            assertThat(summary.get("series")).hasSize(30);
            JsonNode sources = api.get("/api/exchange/dmarc-reports/example.com/sources?limit=1").json();
            assertThat(sources.get("sources").get(0).get("ptr").asText()).isEqualTo("mx1.example.com");
            assertThat(api.get("/config.json").json().get("demo").asBoolean()).isTrue();

            serve.stop();
            assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
        } finally {
            serve.stop();
            thread.shutdownNow();
        }

        // the demo lives in its own database; the tool's real one is left empty
        try (EmbeddedDatabase embedded = EmbeddedDatabase.start(dataDir)) {
            DatabaseConfig config = embedded.config();
            try (Connection connection = DriverManager.getConnection(embedded.jdbcUrl(""), config.user(), config.password());
                 Statement statement = connection.createStatement()) {
                assertThat(count(statement, "SELECT COUNT(*) FROM `" + DemoDatabase.DATABASE + "`.aggregate_reports")).isEqualTo(12L * DemoReports.DAYS);
                assertThat(count(statement, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '"
                    + EmbeddedDatabase.DATABASE + "'")).as("nothing created in the real database").isZero();
            }
        }
    }

    @Test
    void servingBeyondLoopbackWithoutATokenIsRefused() {
        DmarcRun run = DmarcRun.of("serve", "--bind", "0.0.0.0", "--port", "0", "--data-dir", dataDir.toString());

        assertThat(run.status()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("needs a token", "--token", ServeCommand.ENV_TOKEN);
    }

    @Test
    void aBadBindAddressOrPortIsRefused() {
        DmarcRun host = DmarcRun.of("serve", "--bind", "no-such-host.invalid", "--data-dir", dataDir.toString());
        assertThat(host.status()).isEqualTo(2);
        assertThat(host.err()).contains("--bind", "no-such-host.invalid");

        DmarcRun port = DmarcRun.of("serve", "--port", "70000", "--data-dir", dataDir.toString());
        assertThat(port.status()).isEqualTo(2);
        assertThat(port.err()).contains("--port must be between 0 and 65535");
    }

    private static DashboardServer awaitServer(ServeCommand serve, Future<Integer> status, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (serve.server().isPresent()) {
                return serve.server().get();
            }
            if (status.isDone()) {
                throw new AssertionError("dmarc serve --demo ended with status " + status.get() + " before serving");
            }
            Thread.sleep(100);
        }
        throw new AssertionError("dmarc serve --demo did not serve within " + timeout);
    }

    private static long count(Statement statement, String sql) throws Exception {
        try (ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
