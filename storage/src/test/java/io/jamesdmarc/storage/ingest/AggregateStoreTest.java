package io.jamesdmarc.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportHandler;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.storage.testing.ReportFixtures;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;
import io.jamesdmarc.storage.testing.TestReportSource;

class AggregateStoreTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final Instant DAY = Instant.parse("2026-05-20T00:00:00Z");
    private static final Instant DAY_END = Instant.parse("2026-05-20T23:59:59Z");

    private ReportStore store;
    private ReceivedMessageRef message;

    @BeforeEach
    void emptyStore() throws SQLException {
        DB.truncateAll();
        store = DB.database().reportStore();
        message = store.recordMessage(ReceivedMessage.mail("Mail-1", DAY_END).messageId("<r1@google.com>").build());
    }

    private static AggregateReport google(String reportId, String domain, Instant begin, Instant end) {
        return ReportFixtures.header("google.com", "noreply-dmarc-support@google.com", reportId, domain, begin, end);
    }

    private static List<ReportRecord> threeRecords() {
        return List.of(
            ReportFixtures.record("192.0.2.1", 10, Disposition.NONE, PolicyResult.PASS, PolicyResult.PASS, "example.com"),
            ReportFixtures.record("2001:db8::25", 3, Disposition.QUARANTINE, PolicyResult.FAIL, PolicyResult.FAIL, "example.com"),
            ReportFixtures.generatedRecord(10));
    }

    @Test
    void storesAReportThatReadsBackEqual() throws Exception {
        TestReportSource source = TestReportSource.of(google("123", "example.com", DAY, DAY_END), threeRecords());

        IngestOutcome outcome = store.storeAggregate(message, source);

        assertThat(outcome.status()).isEqualTo(IngestOutcome.Status.STORED);
        assertThat(outcome.records()).isEqualTo(3);
        Collected read = new Collected();
        assertThat(DB.database().storedReports().readAggregate(outcome.id(), read)).isTrue();
        assertThat(read.header).isEqualTo(source.header());
        assertThat(read.records).isEqualTo(source.records());
        long messages = source.records().stream().mapToLong(ReportRecord::count).sum();
        long pass = source.records().stream().filter(r -> r.policyEvaluated().dmarcPass()).mapToLong(ReportRecord::count).sum();
        assertThat(longs("SELECT record_count, message_count, dmarc_pass_count FROM aggregate_reports WHERE id = " + outcome.id()))
            .containsExactly(3L, messages, pass);
        assertThat(count("aggregate_dkim_results")).isEqualTo(4);
        assertThat(count("aggregate_override_reasons")).isEqualTo(1);
    }

    @Test
    void theSameReportTwiceIsStoredOnceAndTheSecondSaysDuplicate() throws Exception {
        TestReportSource source = TestReportSource.of(google("123", "example.com", DAY, DAY_END), threeRecords());
        ReceivedMessageRef resent = store.recordMessage(ReceivedMessage.mail("Mail-2", DAY_END).build());

        IngestOutcome first = store.storeAggregate(message, source);
        IngestOutcome second = store.storeAggregate(resent, source);

        assertThat(second.status()).isEqualTo(IngestOutcome.Status.DUPLICATE);
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(count("aggregate_reports")).isEqualTo(1);
        assertThat(count("aggregate_records")).isEqualTo(3);
        assertThat(strings("SELECT outcome FROM received_message_contents ORDER BY received_message_id"))
            .containsExactly("stored", "duplicate");
    }

    @Test
    void theSameIdForAnotherRangeOrDomainOrReporterIsAnotherReport() throws Exception {
        store.storeAggregate(message, TestReportSource.of(google("123", "example.com", DAY, DAY_END), threeRecords()));

        IngestOutcome otherRange = store.storeAggregate(message,
            TestReportSource.of(google("123", "example.com", DAY_END.plusSeconds(1), DAY_END.plusSeconds(86400)), threeRecords()));
        IngestOutcome otherDomain = store.storeAggregate(message,
            TestReportSource.of(google("123", "example.org", DAY, DAY_END), threeRecords()));
        IngestOutcome otherReporter = store.storeAggregate(message, TestReportSource.of(
            ReportFixtures.header("Yahoo", "dmarchelp@yahooinc.com", "123", "example.com", DAY, DAY_END), threeRecords()));

        assertThat(List.of(otherRange.status(), otherDomain.status(), otherReporter.status()))
            .containsOnly(IngestOutcome.Status.STORED);
        assertThat(count("aggregate_reports")).isEqualTo(4);
    }

    @Test
    void idsDifferingOnlyByTheirHostPartOrCaseAreDifferentReports() throws Exception {
        store.storeAggregate(message, TestReportSource.of(google("<abc@host1>", "example.com", DAY, DAY_END), threeRecords()));

        IngestOutcome otherHost = store.storeAggregate(message,
            TestReportSource.of(google("<abc@host2>", "example.com", DAY, DAY_END), threeRecords()));
        IngestOutcome otherCase = store.storeAggregate(message,
            TestReportSource.of(google("<ABC@host1>", "example.com", DAY, DAY_END), threeRecords()));

        assertThat(otherHost.status()).isEqualTo(IngestOutcome.Status.STORED);
        assertThat(otherCase.status()).isEqualTo(IngestOutcome.Status.STORED);
    }

    @Test
    void thePolicyDomainIsComparedWithoutCaseOrTrailingDot() throws Exception {
        store.storeAggregate(message, TestReportSource.of(google("123", "example.com", DAY, DAY_END), threeRecords()));

        IngestOutcome again = store.storeAggregate(message,
            TestReportSource.of(google("123", "Example.COM.", DAY, DAY_END), threeRecords()));

        assertThat(again.status()).isEqualTo(IngestOutcome.Status.DUPLICATE);
    }

    @Test
    void aMessageIsRecordedOnceAndLinksToEveryReportItCarried() throws Exception {
        ReceivedMessageRef retried = store.recordMessage(ReceivedMessage.mail("Mail-1", DAY_END.plusSeconds(60)).build());
        assertThat(retried.id()).isEqualTo(message.id());

        List<Long> ids = new ArrayList<>();
        for (String domain : List.of("example.com", "example.org", "example.net")) {
            ids.add(store.storeAggregate(message, TestReportSource.of(google("7", domain, DAY, DAY_END), threeRecords())).id());
        }
        // the mail is retried after a failure later on: no second row for what it already stored
        store.storeAggregate(retried, TestReportSource.of(google("7", "example.com", DAY, DAY_END), threeRecords()));

        assertThat(count("received_messages")).isEqualTo(1);
        assertThat(longs("SELECT aggregate_report_id FROM received_message_contents WHERE received_message_id = " + message.id()
            + " ORDER BY aggregate_report_id")).containsExactlyElementsOf(ids);
        assertThat(longs("SELECT DISTINCT received_message_id FROM aggregate_reports")).containsExactly(message.id());
    }

    @Test
    void aParseErrorMidRecordsLeavesNothingStored() throws Exception {
        AggregateReport header = google("big", "example.com", DAY, DAY_END);
        TestReportSource broken = TestReportSource.generated(header, 5000, ReportFixtures::generatedRecord).failingBefore(3500);

        assertThatThrownBy(() -> store.storeAggregate(message, broken))
            .isInstanceOf(ReportParseException.class)
            .hasMessageContaining("record 3500");

        for (String table : List.of("aggregate_reports", "aggregate_records", "aggregate_dkim_results", "aggregate_spf_results",
            "aggregate_override_reasons", "received_message_contents")) {
            assertThat(count(table)).as(table).isZero();
        }
        IngestOutcome complete = store.storeAggregate(message, TestReportSource.generated(header, 5000, ReportFixtures::generatedRecord));
        assertThat(complete.status()).isEqualTo(IngestOutcome.Status.STORED);
        assertThat(count("aggregate_records")).isEqualTo(5000);
    }

    @Test
    void aValueLongerThanItsColumnRejectsTheReportAndKeepsNothing() throws Exception {
        ReportRecord normal = threeRecords().get(0);
        ReportRecord tooLong = new ReportRecord(normal.sourceIp(), 1, normal.policyEvaluated(), Optional.of("x".repeat(300) + ".com"),
            normal.envelopeFrom(), normal.envelopeTo(), normal.dkim(), normal.spf(), normal.extensions());

        assertThatThrownBy(() -> store.storeAggregate(message,
            TestReportSource.of(google("long", "example.com", DAY, DAY_END), List.of(normal, tooLong))))
            .isInstanceOfSatisfying(ReportParseException.class,
                e -> assertThat(e.problem()).isEqualTo(ReportParseException.Problem.LIMIT_EXCEEDED))
            .hasMessageContaining("header_from");
        assertThat(count("aggregate_reports")).isZero();
        assertThat(count("aggregate_records")).isZero();
    }

    @Test
    void aDateOutsideWhatTheSchemaHoldsRejectsTheReport() throws Exception {
        AggregateReport farFuture = google("future", "example.com", DAY, Instant.parse("+12000-01-01T00:00:00Z"));

        assertThatThrownBy(() -> store.storeAggregate(message, TestReportSource.of(farFuture, threeRecords())))
            .isInstanceOfSatisfying(ReportParseException.class,
                e -> assertThat(e.problem()).isEqualTo(ReportParseException.Problem.NOT_A_REPORT))
            .hasMessageContaining("outside the years 1000-9999");
        assertThat(count("aggregate_reports")).isZero();
    }

    @Test
    void aReportWithoutRecordsIsStored() throws Exception {
        IngestOutcome outcome = store.storeAggregate(message, TestReportSource.of(google("empty", "example.com", DAY, DAY_END), List.of()));

        assertThat(outcome.status()).isEqualTo(IngestOutcome.Status.STORED);
        assertThat(longs("SELECT record_count, message_count FROM aggregate_reports")).containsExactly(0L, 0L);
    }

    @Test
    void warningsAndExtensionsFoundAfterTheRecordsAreKept() throws Exception {
        AggregateReport header = google("ext", "example.com", DAY, DAY_END);
        AggregateReport withExtension = new AggregateReport(header.format(), header.version(), header.metadata(),
            header.policyPublished(), List.of("<ext:x xmlns:ext=\"urn:x\">\"quoted\" \\ back</ext:x>"));
        TestReportSource source = TestReportSource.of(header, threeRecords())
            .withWarnings(List.of("record 2: unknown spf result 'hardfail'"));

        IngestOutcome outcome = store.storeAggregate(message, new ExtensionAfterRecords(source, withExtension));

        assertThat(DB.database().storedReports().aggregateReport(outcome.id())).get()
            .extracting(AggregateReport::extensions).isEqualTo(withExtension.extensions());
        assertThat(strings("SELECT JSON_VALUE(parse_warnings, '$[0]') FROM aggregate_reports"))
            .containsExactly("record 2: unknown spf result 'hardfail'");
    }

    @Test
    void sourceAddressesAreStoredAsInet6WithTheTextBeside() throws Exception {
        ReportRecord notAnIp = new ReportRecord(SourceIp.parse("mail.example.com"), 1, threeRecords().get(0).policyEvaluated(),
            Optional.of("example.com"), Optional.empty(), Optional.empty(), List.of(), List.of(), List.of());
        List<ReportRecord> records = new ArrayList<>(threeRecords());
        records.add(notAnIp);

        store.storeAggregate(message, TestReportSource.of(google("ips", "example.com", DAY, DAY_END), records));

        assertThat(strings("SELECT CONCAT_WS(' ', source_ip, source_ip_text) FROM aggregate_records ORDER BY record_no"))
            .containsExactly("::ffff:192.0.2.1 192.0.2.1", "2001:db8::25 2001:db8::25", "2001:db8::a 2001:db8::a", "mail.example.com");
    }

    /** A source whose summary carries an extension the header did not (it came after the records). */
    private record ExtensionAfterRecords(TestReportSource source, AggregateReport fullHeader)
        implements io.jamesdmarc.model.aggregate.AggregateReportSource {
        @Override
        public String location() {
            return source.location();
        }

        @Override
        public <X extends Exception> io.jamesdmarc.model.aggregate.AggregateReadSummary read(AggregateReportHandler<X> handler)
            throws ReportParseException, X {
            var summary = source.read(handler);
            return new io.jamesdmarc.model.aggregate.AggregateReadSummary(fullHeader, summary.records(), summary.countSum(),
                summary.dmarcPassCount(), summary.warnings());
        }
    }

    static final class Collected implements AggregateReportHandler<RuntimeException> {
        AggregateReport header;
        final List<ReportRecord> records = new ArrayList<>();

        @Override
        public void header(AggregateReport report) {
            header = report;
        }

        @Override
        public void record(ReportRecord record) {
            records.add(record);
        }
    }

    private static long count(String table) throws SQLException {
        return new SqlProbe(DB.dataSource()).count(table);
    }

    private static List<Long> longs(String sql) throws SQLException {
        return new SqlProbe(DB.dataSource()).longs(sql);
    }

    private static List<String> strings(String sql) throws SQLException {
        return new SqlProbe(DB.dataSource()).strings(sql);
    }
}
