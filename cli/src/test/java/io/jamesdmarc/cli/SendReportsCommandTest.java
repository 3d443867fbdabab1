package io.jamesdmarc.cli;

import static io.jamesdmarc.storage.testing.EvaluationFixtures.evaluation;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.aggregate.AggregateReportReader;
import io.jamesdmarc.model.aggregate.ParsedAggregateReport;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * {@code dmarc reports send}: a dry run writes the reports and their mails and records nothing; a real
 * run sends them through an SMTP relay (a sink on loopback here) and records them, so that neither it
 * nor the mailet sends them again.
 */
class SendReportsCommandTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @TempDir
    Path out;

    @BeforeEach
    void evaluations() throws Exception {
        DB.truncateAll();
        new EvaluationRepository(DB.dataSource()).store(List.of(
            evaluation().at(Instant.parse("2026-05-20T08:00:00Z")).build(),
            evaluation().at(Instant.parse("2026-05-20T09:00:00Z")).source("203.0.113.7").build(),
            evaluation().at(Instant.parse("2026-05-21T09:00:00Z")).build()));
    }

    private static DmarcRun run(String... args) {
        List<String> all = new ArrayList<>(List.of("reports", "send"));
        all.addAll(TestDatabases.options(DB));
        all.addAll(List.of("--domain", "mx.example.net", "--discovery", "psl", "--dns", "127.0.0.1:9"));
        all.addAll(List.of(args));
        return DmarcRun.of(all.toArray(String[]::new));
    }

    @Test
    void aDryRunWritesTheReportsAndTheirMailsAndRecordsNothing() throws Exception {
        DmarcRun run = run("--dry-run", "--out", out.toString(), "--period", "2026-05-20");

        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("written example.com 2026-05-20T00:00:00Z/2026-05-21T00:00:00Z ")
            .contains("(1 part, 2 records, 2 messages) to dmarc@example.com");
        List<Path> files;
        try (Stream<Path> listing = Files.list(out)) {
            files = listing.sorted().toList();
        }
        assertThat(files).hasSize(2);
        Path gz = files.stream().filter(f -> f.toString().endsWith(".xml.gz")).findFirst().orElseThrow();
        assertThat(gz.getFileName().toString()).matches("mx\\.example\\.net!example\\.com!1779235200!1779321599!1779235200\\.[0-9a-f]{12}\\.xml\\.gz");
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            ParsedAggregateReport report = AggregateReportReader.withDefaultLimits().readAll(ByteSource.wrap(in.readAllBytes()));
            assertThat(report.records()).hasSize(2);
        }
        assertThat(Files.readString(files.stream().filter(f -> f.toString().endsWith(".eml")).findFirst().orElseThrow()))
            .contains("Auto-Submitted: auto-generated").contains("application/gzip");
        assertThat(new SqlProbe(DB.dataSource()).count("outbound_aggregate_reports")).isZero();
        assertThat(new SqlProbe(DB.dataSource()).strings("SELECT COUNT(*) FROM evaluation_domains WHERE aggregate_report_id IS NULL"))
            .containsExactly("3");
    }

    @Test
    void sendingNeedsARelayOrADryRun() {
        DmarcRun run = run();

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("sending needs --smtp HOST[:PORT]");
    }

    @Test
    void reportsDueGoThroughTheRelayOnceAndAreRecorded() throws Exception {
        try (SmtpSink sink = SmtpSink.start()) {
            DmarcRun first = run("--smtp", "127.0.0.1:" + sink.port());
            DmarcRun second = run("--smtp", "127.0.0.1:" + sink.port());

            assertThat(first.status()).as(first.toString()).isZero();
            assertThat(first.out().lines()).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("sent example.com "));
            assertThat(second.out()).isEqualTo("No aggregate report due." + System.lineSeparator());
            assertThat(sink.mails).hasSize(2).allSatisfy(mail -> {
                assertThat(mail.from()).isEqualTo("noreply-dmarc@mx.example.net");
                assertThat(mail.to()).containsExactly("dmarc@example.com");
                assertThat(mail.data().replace("\r\n ", " ")).contains("Subject: DMARC Aggregate Report - Report Domain: example.com Submitter: mx.example.net");
            });
            assertThat(new SqlProbe(DB.dataSource()).strings("SELECT state FROM outbound_aggregate_reports")).containsExactly("sent", "sent");
        }
    }

    /** An SMTP server on loopback that accepts every mail and keeps it. */
    static final class SmtpSink implements AutoCloseable {
        record Received(String from, List<String> to, String data) {
        }

        final List<Received> mails = new CopyOnWriteArrayList<>();
        private final ServerSocket server;
        private final Thread thread;

        private SmtpSink(ServerSocket server) {
            this.server = server;
            this.thread = new Thread(this::serve, "smtp-sink");
            thread.setDaemon(true);
            thread.start();
        }

        static SmtpSink start() throws Exception {
            return new SmtpSink(new ServerSocket(0, 10, InetAddress.getLoopbackAddress()));
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                    OutputStream out = socket.getOutputStream();
                    reply(out, "220 sink ESMTP");
                    String from = null;
                    List<String> to = new ArrayList<>();
                    for (String line; (line = in.readLine()) != null; ) {
                        String upper = line.toUpperCase(java.util.Locale.ROOT);
                        if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
                            reply(out, "250 sink");
                        } else if (upper.startsWith("MAIL FROM:")) {
                            from = line.substring(10).replaceAll("[<>]", "").strip();
                            reply(out, "250 ok");
                        } else if (upper.startsWith("RCPT TO:")) {
                            to.add(line.substring(8).replaceAll("[<>]", "").strip());
                            reply(out, "250 ok");
                        } else if (upper.equals("DATA")) {
                            reply(out, "354 go on");
                            StringBuilder data = new StringBuilder();
                            for (String body; (body = in.readLine()) != null && !body.equals("."); ) {
                                data.append(body).append("\r\n");
                            }
                            mails.add(new Received(from, List.copyOf(to), data.toString()));
                            to.clear();
                            reply(out, "250 queued");
                        } else if (upper.equals("QUIT")) {
                            reply(out, "221 bye");
                            break;
                        } else {
                            reply(out, "250 ok");
                        }
                    }
                } catch (Exception e) {
                    // closed
                }
            }
        }

        private static void reply(OutputStream out, String line) throws java.io.IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }
}
