package io.jamesdmarc.cli.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

import io.jamesdmarc.cli.web.ApiClient;
import io.jamesdmarc.cli.web.DashboardServer;
import io.jamesdmarc.cli.web.ReverseNames;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.ReportFormat;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.testing.AggregateReportGenerator;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.storage.Database;
import io.jamesdmarc.storage.DatabaseConfig;
import io.jamesdmarc.storage.embedded.EmbeddedDatabase;
import io.jamesdmarc.storage.ingest.ReceivedMessage;
import io.jamesdmarc.storage.ingest.ReportStore;
import io.jamesdmarc.storage.testing.ReportFixtures;
import io.jamesdmarc.storage.testing.TestReportSource;

/**
 * How fast the API answers for a domain of a million stored records: {@code summary} and
 * {@code sources} over 30 days, timed over HTTP (median and 95th percentile), with the other
 * endpoints for comparison. Run with {@code ./bench api [RECORDS [CALLS]]}.
 *
 * <p>The data: {@value #DAYS} days of reports about {@value #DOMAIN} from {@value #REPORTERS}
 * reporters, records made by the model's {@link AggregateReportGenerator} (counts, DKIM and SPF
 * results, dispositions) with sending addresses drawn from {@value #ADDRESSES} addresses, a few
 * busy and a long tail (log-uniform), as a busy domain's senders are. Stored through
 * {@link ReportStore} in database {@value #DATABASE} on the MariaDB at 127.0.0.1:3306 when it answers
 * (else an embedded one in {@code cli/target/bench-db}), then summarized for the dashboard as
 * {@code dmarc serve} does when it starts (timed too); the database is kept: a later run with the same
 * record count reuses it.
 */
public final class ApiBenchmark {

    static final String DOMAIN = "bench.example";
    static final String DATABASE = "dmarc_bench_api";
    static final int DAYS = 30;
    static final int REPORTERS = 5;
    static final int ADDRESSES = 20_000;
    /**
     * The first day of the data: its 30 days cut into the spans that hold the most rows a 30-day period can need (1, 3,
     * 3, 9, 9, 3, 1 and 1 days, see Period#spans), so that the figures are those of the worst period of that length.
     */
    static final LocalDate FIRST_DAY = LocalDate.of(2026, 3, 5);
    private static final String SERVER = "jdbc:mariadb://127.0.0.1:3306/";

    private ApiBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long records = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        EmbeddedDatabase embedded = null;
        DatabaseConfig config;
        if (serverAnswers()) {
            config = DatabaseConfig.of(SERVER + DATABASE + "?createDatabaseIfNotExist=true", "root", "").withPoolSize(8);
        } else {
            embedded = EmbeddedDatabase.start(Corpus.projectRoot().resolve("cli/target/bench-db"));
            config = embedded.config(DATABASE + "?createDatabaseIfNotExist=true").withPoolSize(8);
        }
        try (Database database = Database.open(config)) {
            try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
                System.out.printf(Locale.ROOT, "database: %s on MariaDB %s, heap max %d MB%n", DATABASE, value(statement, "SELECT VERSION()"),
                    Runtime.getRuntime().maxMemory() >> 20);
                long stored = Long.parseLong(value(statement, "SELECT IFNULL(SUM(record_count), 0) FROM aggregate_reports WHERE policy_domain = '"
                    + DOMAIN + "'"));
                String firstDay = value(statement, "SELECT DATE(MIN(date_begin)) FROM aggregate_reports WHERE policy_domain = '" + DOMAIN + "'");
                if (stored != records || !FIRST_DAY.toString().equals(firstDay)) {
                    if (stored > 0) {
                        System.out.printf(Locale.ROOT, "%,d records from %s stored, %,d from %s wanted: loading again%n", stored, firstDay,
                            records, FIRST_DAY);
                        empty(statement);
                    }
                    load(database.reportStore(), records);
                } else {
                    System.out.printf(Locale.ROOT, "reusing the %,d records stored by an earlier run%n", stored);
                }
                long pending = database.dashboardSummaries().pending();
                if (pending > 0) {
                    // what dmarc serve does when it starts on reports stored before
                    long start = System.nanoTime();
                    int done = 0;
                    for (int n = database.dashboardSummaries().catchUp(100); n > 0; n = database.dashboardSummaries().catchUp(100)) {
                        done += n;
                    }
                    System.out.printf(Locale.ROOT, "summarized %d reports for the dashboard in %.1f s%n", done, (System.nanoTime() - start) / 1e9);
                }
                System.out.printf(Locale.ROOT, "%s: %s reports, %s records, %s messages, %s distinct sources, %s span rows%n", DOMAIN,
                    value(statement, "SELECT COUNT(*) FROM aggregate_reports WHERE policy_domain = '" + DOMAIN + "'"),
                    value(statement, "SELECT SUM(record_count) FROM aggregate_reports WHERE policy_domain = '" + DOMAIN + "'"),
                    value(statement, "SELECT SUM(message_count) FROM aggregate_reports WHERE policy_domain = '" + DOMAIN + "'"),
                    value(statement, "SELECT COUNT(DISTINCT source_id) FROM aggregate_source_spans WHERE policy_domain = '" + DOMAIN + "'"),
                    value(statement, "SELECT COUNT(*) FROM aggregate_source_spans WHERE policy_domain = '" + DOMAIN + "'"));
            }
            measure(database, calls);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static void measure(Database database, int calls) throws Exception {
        System.out.printf(Locale.ROOT, "%d calls each after 5 warm-up calls, one at a time, over HTTP on 127.0.0.1%n", calls);
        System.out.println("every answer from the database (the server's answer cache off):");
        measure(database, calls, false);
        System.out.println("with the answer cache (as dmarc serve runs; answers reused until a report arrives):");
        measure(database, calls, true);
    }

    private static void measure(Database database, int calls, boolean cache) throws Exception {
        Clock clock = Clock.fixed(FIRST_DAY.plusDays(DAYS).atStartOfDay(ZoneOffset.UTC).toInstant(), ZoneOffset.UTC);
        try (DashboardServer server = DashboardServer.start(new DashboardServer.Settings(new InetSocketAddress("127.0.0.1", 0),
            Optional.empty(), 4, false, cache), database, ReverseNames.OFF, clock)) {
            ApiClient api = new ApiClient(server.url());
            String period = "from=" + FIRST_DAY + "&to=" + FIRST_DAY.plusDays(DAYS - 1L);
            String base = "/api/exchange/dmarc-reports/" + DOMAIN;
            time(api, "summary, 30 days", base + "/summary?" + period, calls);
            time(api, "sources, 30 days, top 50", base + "/sources?" + period + "&limit=50", calls);
            if (cache) {
                return;
            }
            time(api, "sources, 30 days, top 50 failing", base + "/sources?" + period + "&limit=50&sort=failures", calls);
            time(api, "summary, 7 days", base + "/summary?to=" + FIRST_DAY.plusDays(DAYS - 1L) + "&days=7", calls);
            time(api, "sources, 7 days, top 50", base + "/sources?to=" + FIRST_DAY.plusDays(DAYS - 1L) + "&days=7&limit=50", calls);
            time(api, "failures, 30 days, 50 each", base + "/failures?" + period + "&limit=50", calls);
            time(api, "reports list, 50", "/api/exchange/dmarc-reports?domain=" + DOMAIN + "&limit=50", calls);
            time(api, "domains, 30 days", "/api/exchange/dmarc-reports/domains?" + period, calls);
        }
    }

    private static void time(ApiClient api, String what, String path, int calls) {
        for (int i = 0; i < 5; i++) {
            check(api.get(path), path);
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            check(api.get(path), path);
            millis.add((System.nanoTime() - start) / 1e6);
        }
        Collections.sort(millis);
        System.out.printf(Locale.ROOT, "  %-34s median %6.1f ms   p95 %6.1f ms   max %6.1f ms%n", what, percentile(millis, 50),
            percentile(millis, 95), millis.get(millis.size() - 1));
    }

    private static void check(ApiClient.Answer answer, String path) {
        if (answer.status() != 200) {
            throw new IllegalStateException(path + " answered " + answer);
        }
    }

    private static double percentile(List<Double> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** Stores the data: every day, one report per reporter, records generated as they are stored. */
    private static void load(ReportStore store, long records) throws Exception {
        String[] reporters = {"google.com", "Outlook.com", "Yahoo", "Mail.Ru", "GMX"};
        InetAddress[] addresses = addresses();
        AggregateReportGenerator generator = new AggregateReportGenerator(20260501L, ReportFormat.RFC7489, DOMAIN);
        SplittableRandom draw = new SplittableRandom(42);
        int reports = DAYS * REPORTERS;
        long start = System.nanoTime();
        long done = 0;
        for (int day = 0; day < DAYS; day++) {
            Instant begin = FIRST_DAY.plusDays(day).atStartOfDay(ZoneOffset.UTC).toInstant();
            for (int r = 0; r < REPORTERS; r++) {
                int index = day * REPORTERS + r;
                int size = (int) (records * (index + 1) / reports - records * index / reports);
                AggregateReport header = ReportFixtures.header(reporters[r], "dmarc@" + reporters[r].toLowerCase(Locale.ROOT),
                    "bench-" + index, DOMAIN, begin, begin.plusSeconds(86_399), PolicyAction.QUARANTINE);
                store.storeAggregate(store.recordMessage(ReceivedMessage.mail("bench-" + index, begin.plusSeconds(90_000)).build()),
                    TestReportSource.generated(header, size, n -> withAddress(generator.record(), addresses[logUniform(draw)])));
                done += size;
            }
            System.out.printf(Locale.ROOT, "\rloading: %,d records (%.0f s)", done, (System.nanoTime() - start) / 1e9);
        }
        System.out.printf(Locale.ROOT, "\rloaded %,d records in %d reports in %.1f s%n", done, reports, (System.nanoTime() - start) / 1e9);
    }

    private static ReportRecord withAddress(ReportRecord record, InetAddress address) {
        return new ReportRecord(SourceIp.of(address), record.count(), record.policyEvaluated(), record.headerFrom(), record.envelopeFrom(),
            record.envelopeTo(), record.dkim(), record.spf(), record.extensions());
    }

    /** A few addresses send most mail, many send a little: index e^(u ln N) - 1 for a uniform u. */
    private static int logUniform(SplittableRandom random) {
        return Math.min(ADDRESSES - 1, (int) Math.exp(random.nextDouble() * Math.log(ADDRESSES + 1.0)) - 1);
    }

    private static InetAddress[] addresses() throws UnknownHostException {
        SplittableRandom random = new SplittableRandom(7);
        InetAddress[] addresses = new InetAddress[ADDRESSES];
        for (int i = 0; i < ADDRESSES; i++) {
            addresses[i] = i % 5 == 4
                ? InetAddress.getByAddress(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, (byte) (i >> 8), 0, (byte) i, 0, 0, 0, 0, 0, 0, 0, 1})
                : InetAddress.getByAddress(new byte[] {(byte) (1 + random.nextInt(223)), (byte) random.nextInt(256), (byte) random.nextInt(256),
                    (byte) (1 + random.nextInt(254))});
        }
        return addresses;
    }

    private static void empty(Statement statement) throws SQLException {
        statement.execute("SET FOREIGN_KEY_CHECKS = 0");
        for (String table : List.of("aggregate_daily_totals", "aggregate_source_spans", "aggregate_report_sources", "aggregate_sources",
            "received_message_contents", "aggregate_override_reasons", "aggregate_spf_results", "aggregate_dkim_results",
            "aggregate_records", "aggregate_reports", "received_messages")) {
            statement.execute("TRUNCATE TABLE " + table);
        }
        statement.execute("SET FOREIGN_KEY_CHECKS = 1");
    }

    private static String value(Statement statement, String sql) throws SQLException {
        try (ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }

    private static boolean serverAnswers() {
        try (Connection connection = DriverManager.getConnection(SERVER, "root", "")) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }
}
