package io.jamesdmarc.confsamples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.mailets.DmarcReportReceiver;
import io.jamesdmarc.mailets.testing.DmarcZone;
import io.jamesdmarc.mailets.testing.GeneratedReport;
import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.mailets.testing.ReportMails;
import io.jamesdmarc.mailets.testing.StandInRecorder;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReadSummary;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportHandler;
import io.jamesdmarc.model.aggregate.AggregateReportSource;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.model.unpack.ReportExtractor;
import io.jamesdmarc.model.unpack.ReportSink;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * {@code conf-samples/mailetcontainer.xml}, exactly as operators copy it, in James's real processor
 * classes, with the sample {@code dmarc.properties} pointed at a real database. Every e-mail of the
 * shared corpus goes through it to the rua or ruf address, and the store is checked against
 * EXPECTED.tsv; mail for anyone else goes through James's routing untouched.
 */
class SampleMailetContainerTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    static final String RUA = "dmarc-rua@example.com";
    static final String RUF = "dmarc-ruf@example.com";
    /** What an e-mail file starts with (an mbox From_ line at most, then a header field): a .txt may be one. */
    private static final Pattern MAIL_START = Pattern.compile("^(From .*\\R)?[!-9;-~]+:");
    private static final AtomicInteger MAIL_NUMBER = new AtomicInteger();
    private static final Pattern MADE_UP = Pattern.compile("(?m)^(Message-ID: <[0-9.]+@localhost>|Date: .*)\r\n");

    /**
     * This server's Authentication-Results field, which the sample adds on top of every mail it
     * evaluates: on top of what the receiver reads; on delivery, only the fields James itself puts on
     * top when a mailet of its own (RemoveMimeHeader in its transport processor) has changed the
     * header come before it: MIME-Version, and the Date and Message-ID it makes up for a mail
     * without them (with james-dmarc or without it alike).
     */
    private static final Pattern OUR_AUTHENTICATION_RESULTS = Pattern.compile("^((?:MIME-Version|Date|Message-ID): [^\r]*\r\n)*"
        + "(Authentication-Results: " + Pattern.quote(JamesPipeline.DEFAULT_DOMAIN) + ";[^\r]*(\r\n\t[^\r]*)*\r\n)");

    private static DmarcZone dns;
    private static JamesPipeline james;
    /** The same James without james-dmarc: what it delivers is what the sample must deliver. */
    private static JamesPipeline withoutJamesDmarc;

    @BeforeAll
    static void startJames() throws Exception {
        dns = DmarcZone.start();
        james = Samples.james(DB.config(), DB.config().url(), dns.dnsServers()).start();
        withoutJamesDmarc = Samples.jamesWithoutJamesDmarc().start();
    }

    @AfterAll
    static void stopJames() {
        for (JamesPipeline server : new JamesPipeline[] {james, withoutJamesDmarc}) {
            if (server != null) {
                server.close();
            }
        }
        if (dns != null) {
            dns.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusMailIsStoredAsExpected() throws Exception {
        Corpus corpus = Corpus.require();
        List<DynamicTest> tests = new ArrayList<>();
        for (Corpus.Expected row : corpus.expected()) {
            Path file = corpus.file(row.path());
            byte[] stored = Files.readAllBytes(file);
            if (!row.path().endsWith(".eml") && !(row.path().endsWith(".txt") && isMail(stored))) {
                continue;
            }
            byte[] bytes = InboundMail.onTheWire(stored);
            tests.add(DynamicTest.dynamicTest(row.status() + ": " + row.path(), () -> throughJames(row, bytes)));
        }
        assertThat(tests).as("e-mails in the corpus").hasSizeGreaterThan(30);
        return tests.stream();
    }

    private static void throughJames(Corpus.Expected row, byte[] bytes) throws Exception {
        String name = "Corpus" + MAIL_NUMBER.incrementAndGet();
        String recipient = row.aggregate() ? RUA : RUF;
        james.service(InboundMail.of(name, bytes, "reporter@corpus.example", recipient));
        withoutJamesDmarc.service(InboundMail.of(name, bytes, "reporter@corpus.example", recipient));

        Map<String, Object> received = single(rows("SELECT id, envelope_sender, recipients, remote_address FROM received_messages "
            + "WHERE origin_key = ?", name));
        assertThat(received).containsEntry("envelope_sender", "reporter@corpus.example").containsEntry("recipients", recipient)
            .containsEntry("remote_address", InboundMail.REMOTE_ADDRESS);
        long message = number(received, "id");
        List<Map<String, Object>> contents = rows("SELECT content_type, outcome, aggregate_report_id, failure_report_id, rejected_input_id "
            + "FROM received_message_contents WHERE received_message_id = ? ORDER BY id", message);

        if (row.ok() && row.aggregate()) {
            Map<String, Object> link = single(contents);
            assertThat(link.get("content_type")).isEqualTo("aggregate");
            assertThat(link.get("outcome")).isIn("stored", "duplicate"); // a corpus file may repeat another's report
            Map<String, Object> report = single(rows("SELECT org_name, report_id, policy_domain, "
                + "TIMESTAMPDIFF(SECOND, '1970-01-01', date_begin) AS begin_s, TIMESTAMPDIFF(SECOND, '1970-01-01', date_end) AS end_s, "
                + "record_count, message_count, dmarc_pass_count FROM aggregate_reports WHERE id = ?", link.get("aggregate_report_id")));
            assertThat(report.get("org_name")).as("org_name").isEqualTo(row.field("org_name"));
            assertThat(report.get("report_id")).as("report_id").isEqualTo(row.field("report_id"));
            assertThat((String) report.get("policy_domain")).as("policy_domain").isEqualToIgnoringCase(row.field("policy_domain"));
            assertThat(number(report, "begin_s")).as("begin").isEqualTo(new BigDecimal(row.field("begin")).longValue());
            assertThat(number(report, "end_s")).as("end").isEqualTo(new BigDecimal(row.field("end")).longValue());
            assertThat(number(report, "record_count")).as("records").isEqualTo(Long.parseLong(row.field("records")));
            assertThat(number(report, "message_count")).as("count_sum").isEqualTo(Long.parseLong(row.field("count_sum")));
            assertThat(number(report, "dmarc_pass_count")).as("dmarc_pass_count").isEqualTo(Long.parseLong(row.field("dmarc_pass_count")));
        } else if (row.ok()) {
            Map<String, Object> link = single(contents);
            assertThat(link.get("content_type")).isEqualTo("failure");
            Map<String, Object> report = single(rows("SELECT feedback_type, auth_failure, source_ip_text, reported_domain, "
                + "original_mail_from, arrival_date FROM failure_reports WHERE id = ?", link.get("failure_report_id")));
            assertThat(text(report, "feedback_type")).as("feedback_type").isEqualTo(row.field("feedback_type"));
            assertThat(text(report, "auth_failure")).as("auth_failure").isEqualTo(row.field("auth_failure"));
            assertThat(text(report, "source_ip_text")).as("source_ip").isEqualTo(row.field("source_ip"));
            assertThat(text(report, "reported_domain")).as("reported_domain").isEqualToIgnoringCase(row.field("reported_domain"));
            assertThat(text(report, "original_mail_from")).as("original_mail_from").isEqualTo(row.field("original_mail_from"));
            assertThat(text(report, "arrival_date")).as("arrival_date").isEqualTo(row.field("arrival_date"));
        } else {
            whereTheSimpleReaderGaveUp(bytes, contents);
        }

        // the sample lets every report mail go on to the mailbox, read or not, as James alone delivers it
        assertThat(deliveredAsJamesAloneDoes(name)).extracting(StandInRecorder.Seen::recipients).isEqualTo(List.of(recipient));
    }

    /**
     * An ERROR row: what the extractor reads from this mail (model's own tests prove it right) is
     * what the store holds; what it cannot read is kept with the whole mail's bytes and the reason.
     */
    private static void whereTheSimpleReaderGaveUp(byte[] bytes, List<Map<String, Object>> contents) throws Exception {
        Readable readable = Readable.of(bytes);
        List<Map<String, Object>> aggregates = contents.stream().filter(c -> c.get("content_type").equals("aggregate")).toList();
        List<Map<String, Object>> failures = contents.stream().filter(c -> c.get("content_type").equals("failure")).toList();
        List<Map<String, Object>> rejected = contents.stream().filter(c -> c.get("content_type").equals("rejected")).toList();
        assertThat(aggregates).hasSameSizeAs(readable.aggregates);
        for (int i = 0; i < aggregates.size(); i++) {
            AggregateReadSummary expected = readable.aggregates.get(i);
            assertThat(rows("SELECT report_id, record_count, message_count FROM aggregate_reports WHERE id = ?",
                aggregates.get(i).get("aggregate_report_id")))
                .containsExactly(Map.of("report_id", expected.report().metadata().reportId(), "record_count", expected.records(),
                    "message_count", expected.countSum()));
        }
        assertThat(failures).hasSize(readable.failures);
        if (readable.complete()) {
            assertThat(rejected).isEmpty();
        } else {
            Map<String, Object> kept = single(rejected);
            long id = ((Number) kept.get("rejected_input_id")).longValue();
            assertThat(ourFieldThen(DB.database().storedReports().rejectedInput(id).orElseThrow())).as("the mail's bytes, kept as received")
                .isEqualTo(bytes);
            Map<String, Object> why = single(rows("SELECT location, problem, reason FROM rejected_inputs WHERE id = ?", id));
            assertThat(why.get("location")).isEqualTo("message");
            assertThat(Stream.of(ReportParseException.Problem.values()).map(Enum::name)).contains((String) why.get("problem"));
            assertThat((String) why.get("reason")).isNotBlank();
        }
    }

    @Test
    void mailForOtherRecipientsGoesThroughJamesRoutingUntouched() throws Exception {
        byte[] local = ReportMails.plain("hello@friend.example", "friend@friend.example", "postmaster@example.com", "Hi", "Hello\n");
        byte[] remote = ReportMails.plain("out@friend.example", "friend@friend.example", "someone@elsewhere.example", "Hi", "Relay?\n");
        long before = count("received_messages");

        for (JamesPipeline server : List.of(james, withoutJamesDmarc)) {
            server.service(InboundMail.of("Plain1", local, "friend@friend.example", "postmaster@example.com"));
            server.service(InboundMail.of("Plain2", remote, "friend@friend.example", "someone@elsewhere.example"));
        }

        assertThat(count("received_messages")).isEqualTo(before);
        assertThat(seen("Plain1")).extracting(StandInRecorder.Seen::standIn, StandInRecorder.Seen::state)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("LocalDelivery", "local-delivery"));
        deliveredAsJamesAloneDoes("Plain1");
        // an unauthenticated client relaying: James's relay-denied processor, as in James's default configuration
        assertThat(seen("Plain2")).extracting(StandInRecorder.Seen::standIn, StandInRecorder.Seen::detail)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("Bounce", ""),
                org.assertj.core.groups.Tuple.tuple("ToRepository", "memory://var/mail/relay-denied/"));
    }

    @Test
    void aReportMailAlsoAddressedToAUserIsStoredAndBothGetIt() throws Exception {
        GeneratedReport report = GeneratedReport.of(77, "example.com", 20);
        byte[] bytes = report.mail("both@reporter.example");

        james.service(InboundMail.of("Both1", bytes, ReportMails.REPORTER, "postmaster@example.com", RUA));

        assertThat(rows("SELECT record_count FROM aggregate_reports WHERE report_id = ?", report.reportId()))
            .containsExactly(Map.of("record_count", 20L));
        assertThat(rows("SELECT recipients FROM received_messages WHERE origin_key = 'Both1'")).containsExactly(Map.of("recipients", RUA));
        assertThat(james.standIns().seen("LocalDelivery")).filteredOn(seen -> seen.mailName().startsWith("Both1"))
            .extracting(StandInRecorder.Seen::recipients).containsExactlyInAnyOrder(List.of(RUA), List.of("postmaster@example.com"));
    }

    @Test
    void aMailWithNoReportGoesOnToTheMailboxItsBytesKept() throws Exception {
        byte[] bytes = ReportMails.plain("question@somebody.example", "somebody@somebody.example", RUA, "Your DMARC record",
            "Hello, who reads this address?\n");
        int unparseable = james.metrics().countFor(DmarcReportReceiver.METRIC_UNPARSEABLE);

        james.service(InboundMail.of("Question1", bytes, "somebody@somebody.example", RUA));
        withoutJamesDmarc.service(InboundMail.of("Question1", bytes, "somebody@somebody.example", RUA));

        long id = ((Number) single(rows("SELECT r.id FROM rejected_inputs r JOIN received_messages m ON m.id = r.received_message_id "
            + "WHERE m.origin_key = 'Question1'")).get("id")).longValue();
        // kept as received, below the Authentication-Results field DmarcEvaluate added before the receiver read it
        assertThat(ourFieldThen(DB.database().storedReports().rejectedInput(id).orElseThrow())).isEqualTo(bytes);
        assertThat(seen("Question1")).extracting(StandInRecorder.Seen::standIn, StandInRecorder.Seen::state)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("LocalDelivery", "local-delivery"));
        deliveredAsJamesAloneDoes("Question1");
        assertThat(james.metrics().countFor(DmarcReportReceiver.METRIC_UNPARSEABLE)).isEqualTo(unparseable + 1);
    }

    /**
     * What LocalDelivery got of the mail, the same with james-dmarc as without it but for this server's
     * Authentication-Results field on top (DmarcEvaluate adds it to every mail received).
     */
    private static StandInRecorder.Seen deliveredAsJamesAloneDoes(String mailName) {
        List<StandInRecorder.Seen> with = james.standIns().seen("LocalDelivery").stream().filter(s -> s.mailName().equals(mailName)).toList();
        List<StandInRecorder.Seen> without = withoutJamesDmarc.standIns().seen("LocalDelivery").stream()
            .filter(s -> s.mailName().equals(mailName)).toList();
        assertThat(with).hasSize(1);
        assertThat(without).hasSize(1);
        assertThat(with.get(0).state()).isEqualTo(without.get(0).state());
        String delivered = new String(with.get(0).message(), StandardCharsets.ISO_8859_1);
        Matcher ours = OUR_AUTHENTICATION_RESULTS.matcher(delivered);
        assertThat(ours.lookingAt()).as("this server's Authentication-Results on top of %s", delivered).isTrue();
        String withoutOurs = delivered.substring(0, ours.start(2)) + delivered.substring(ours.end(2));
        assertThat(withoutMadeUpHeaders(withoutOurs.getBytes(StandardCharsets.ISO_8859_1))).as("the bytes delivered")
            .isEqualTo(withoutMadeUpHeaders(without.get(0).message()));
        return with.get(0);
    }

    /**
     * A delivered mail without the Message-ID and Date fields James makes up, each time anew, for a
     * mail that has none (when a mailet changes it): they are the only bytes two deliveries of such a
     * mail differ by.
     */
    private static String withoutMadeUpHeaders(byte[] delivered) {
        String text = new String(delivered, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String headers = end < 0 ? text : text.substring(0, end + 2);
        return MADE_UP.matcher(headers).replaceAll("") + (end < 0 ? "" : text.substring(end + 2));
    }

    /** What follows this server's Authentication-Results field, which must come first. */
    private static byte[] ourFieldThen(byte[] stored) {
        String text = new String(stored, StandardCharsets.ISO_8859_1);
        Matcher ours = OUR_AUTHENTICATION_RESULTS.matcher(text);
        assertThat(ours.lookingAt() && ours.start(2) == 0).as("this server's Authentication-Results first in %s", text).isTrue();
        return text.substring(ours.end()).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<StandInRecorder.Seen> seen(String mailName) {
        return james.standIns().seen().stream().filter(seen -> seen.mailName().equals(mailName)).toList();
    }

    private static boolean isMail(byte[] bytes) {
        return MAIL_START.matcher(new String(bytes, 0, Math.min(bytes.length, 1000), StandardCharsets.ISO_8859_1)).lookingAt();
    }

    /** What the extractor reads from a mail on its own: the reports, and whether anything was unreadable. */
    private static final class Readable implements ReportSink<RuntimeException> {
        private final List<AggregateReadSummary> aggregates = new ArrayList<>();
        private int failures;
        private boolean unreadable;
        private boolean noReport;

        static Readable of(byte[] bytes) throws Exception {
            Readable readable = new Readable();
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
            try {
                new ReportExtractor(ParseLimits.DEFAULTS).extract(message, readable);
            } catch (ReportParseException e) {
                readable.noReport = true;
            }
            return readable;
        }

        boolean complete() {
            return !noReport && !unreadable;
        }

        @Override
        public void aggregate(AggregateReportSource report) throws ReportParseException {
            aggregates.add(report.read(new AggregateReportHandler<RuntimeException>() {
                @Override
                public void header(AggregateReport header) {
                }

                @Override
                public void record(ReportRecord record) {
                }
            }));
        }

        @Override
        public void failure(FailureReport report, String location) {
            failures++;
        }

        @Override
        public void unreadable(String location, ReportParseException problem) {
            unreadable = true;
        }
    }

    private static long count(String table) throws SQLException {
        return ((Number) single(rows("SELECT COUNT(*) AS n FROM " + table)).get("n")).longValue();
    }

    private static long number(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }

    private static String text(Map<String, Object> row, String column) {
        Object value = row.get(column);
        return value == null ? "" : value.toString();
    }

    private static Map<String, Object> single(List<Map<String, Object>> rows) {
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    /** Every row as column (lower case) to value; numbers as longs. */
    private static List<Map<String, Object>> rows(String sql, Object... parameters) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection connection = DB.dataSource().getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= columns; c++) {
                        Object value = result.getObject(c);
                        row.put(result.getMetaData().getColumnLabel(c).toLowerCase(Locale.ROOT),
                            value instanceof Number n && !(value instanceof BigDecimal && ((BigDecimal) value).scale() > 0) ? n.longValue() : value);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
