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
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.failure.ReportedMessage;
import io.jamesdmarc.storage.testing.ReportFixtures;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

class FailureStoreTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final Instant ARRIVAL = Instant.parse("2026-05-22T08:15:00Z");

    private ReportStore store;
    private ReceivedMessageRef message;
    private SqlProbe sql;

    @BeforeEach
    void emptyStore() throws SQLException {
        DB.truncateAll();
        store = DB.database().reportStore();
        sql = new SqlProbe(DB.dataSource());
        message = store.recordMessage(ReceivedMessage.mail("ruf-1", ARRIVAL).build());
    }

    @Test
    void storesEveryFieldAndReadsBackEqual() throws Exception {
        FailureReport report = ReportFixtures.failure("example.com", "192.0.2.77", ARRIVAL, "<m1@example.com>");

        IngestOutcome outcome = store.storeFailure(message, report);

        assertThat(outcome.status()).isEqualTo(IngestOutcome.Status.STORED);
        assertThat(DB.database().storedReports().failureReport(outcome.id())).contains(report);
        assertThat(sql.strings("SELECT CONCAT_WS('|', source_ip, reported_domain, arrival_time, message_subject) FROM failure_reports"))
            .containsExactly("::ffff:192.0.2.77|example.com|2026-05-22 08:15:00|Invoice");
        assertThat(sql.strings("SELECT value FROM failure_report_fields WHERE name = 'X-Unknown-Field'")).containsExactly("kept as written");
    }

    @Test
    void theSameReportAgainIsADuplicateEvenWithOtherWhitespaceAndFieldCase() throws Exception {
        FailureReport report = ReportFixtures.failure("example.com", "192.0.2.77", ARRIVAL, "<m1@example.com>");
        List<FailureReport.Field> refolded = new ArrayList<>();
        for (FailureReport.Field field : report.fields()) {
            refolded.add(new FailureReport.Field(field.name().toLowerCase(java.util.Locale.ROOT), "  " + field.value().replace(" ", "\t ")));
        }
        ReportedMessage reported = report.reportedMessage().orElseThrow();
        FailureReport copy = new FailureReport(report.kind(), report.feedbackType(), report.userAgent(), report.version(),
            report.authFailure(), report.identityAlignment(), report.originalMailFrom(), report.originalRcptTo(), report.arrivalDate(),
            report.arrivalTime(), report.sourceIpText(), report.sourceIp(), report.reportedDomain(), report.reportedUri(),
            report.dkimDomain(), report.dkimIdentity(), report.dkimSelector(), report.spfDns(), report.deliveryResult(),
            report.authenticationResults(), refolded, Optional.of(new ReportedMessage(reported.subject(), reported.from(), reported.to(),
                reported.messageId(), reported.date(), reported.headers().replace("\r\n", "\n"), reported.fullMessage())));
        ReceivedMessageRef otherNode = store.recordMessage(ReceivedMessage.mail("ruf-2", ARRIVAL).build());

        IngestOutcome first = store.storeFailure(message, report);
        IngestOutcome second = store.storeFailure(otherNode, copy);

        assertThat(second.status()).isEqualTo(IngestOutcome.Status.DUPLICATE);
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(sql.count("failure_reports")).isEqualTo(1);
        assertThat(sql.count("received_message_contents")).isEqualTo(2);
    }

    @Test
    void reportsAboutAnotherMessageAreStoredApart() throws Exception {
        store.storeFailure(message, ReportFixtures.failure("example.com", "192.0.2.77", ARRIVAL, "<m1@example.com>"));

        IngestOutcome other = store.storeFailure(message, ReportFixtures.failure("example.com", "192.0.2.77", ARRIVAL, "<m2@example.com>"));

        assertThat(other.status()).isEqualTo(IngestOutcome.Status.STORED);
        assertThat(sql.count("failure_reports")).isEqualTo(2);
    }

    @Test
    void emptyNoticesFromDifferentMessagesStayApart() throws Exception {
        FailureReport empty = new FailureReport(FailureReport.Kind.PLAIN_TEXT_NOTICE, Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), List.of(), List.of(), Optional.empty());
        ReceivedMessageRef second = store.recordMessage(ReceivedMessage.mail("ruf-2", ARRIVAL).build());

        assertThat(store.storeFailure(message, empty).status()).isEqualTo(IngestOutcome.Status.STORED);
        assertThat(store.storeFailure(second, empty).status()).isEqualTo(IngestOutcome.Status.STORED);
        assertThat(store.storeFailure(second, empty).status()).isEqualTo(IngestOutcome.Status.DUPLICATE);
    }

    @Test
    void aFieldNameLongerThanItsColumnRejectsTheReport() throws Exception {
        FailureReport report = ReportFixtures.failure("example.com", "192.0.2.77", ARRIVAL, "<m1@example.com>");
        List<FailureReport.Field> fields = new ArrayList<>(report.fields());
        fields.add(new FailureReport.Field("X-" + "y".repeat(300), "value"));
        FailureReport hostile = new FailureReport(report.kind(), report.feedbackType(), report.userAgent(), report.version(),
            report.authFailure(), report.identityAlignment(), report.originalMailFrom(), report.originalRcptTo(), report.arrivalDate(),
            report.arrivalTime(), report.sourceIpText(), report.sourceIp(), report.reportedDomain(), report.reportedUri(),
            report.dkimDomain(), report.dkimIdentity(), report.dkimSelector(), report.spfDns(), report.deliveryResult(),
            report.authenticationResults(), fields, report.reportedMessage());

        assertThatThrownBy(() -> store.storeFailure(message, hostile))
            .isInstanceOfSatisfying(ReportParseException.class,
                e -> assertThat(e.problem()).isEqualTo(ReportParseException.Problem.LIMIT_EXCEEDED));
        assertThat(sql.count("failure_reports")).isZero();
        assertThat(sql.count("failure_report_fields")).isZero();
    }
}
