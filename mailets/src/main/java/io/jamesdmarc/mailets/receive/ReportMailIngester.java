package io.jamesdmarc.mailets.receive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;

import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;

import io.jamesdmarc.mailets.ServiceLookupCache;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportSource;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.unpack.ExtractionResult.UnreadablePart;
import io.jamesdmarc.model.unpack.ReportExtractor;
import io.jamesdmarc.model.unpack.ReportSink;
import io.jamesdmarc.storage.ingest.IngestOutcome;
import io.jamesdmarc.storage.ingest.ReceivedMessageRef;
import io.jamesdmarc.storage.ingest.ReportStore;

/**
 * Stores what one mail carries: records the mail, stores each aggregate and failure report found in
 * it (each in its own transaction, each at most once), and keeps the mail's bytes with the reason
 * when anything in it could not be read, or when it holds no report at all.
 *
 * <p>Safe to run again on the same mail after a failure (James retries it): the mail is recorded
 * once, reports stored the first time come out as duplicates. An {@link SQLException} means the
 * store failed part-way; nothing is lost by retrying. Thread-safe.
 */
public final class ReportMailIngester {

    /** Where the rejected input is: the whole mail. */
    static final String WHOLE_MESSAGE = "message";
    /** For parsing only: lenient about addresses, as reporters are. */
    private static final Session SESSION = Session.getInstance(lenientAddresses());

    private final ReportExtractor extractor;
    private final ReportMailIdentity identity;

    public ReportMailIngester(ReportExtractor extractor, ReportMailIdentity identity) {
        this.extractor = Objects.requireNonNull(extractor, "extractor");
        this.identity = Objects.requireNonNull(identity, "identity");
    }

    public Receipt ingest(Mail mail, ReportStore store) throws SQLException, MessagingException {
        return ServiceLookupCache.<Receipt, SQLException, MessagingException>withCachedLookups(() -> ingestWithCachedLookups(mail, store));
    }

    private Receipt ingestWithCachedLookups(Mail mail, ReportStore store) throws SQLException, MessagingException {
        ReceivedMessageRef message = store.recordMessage(identity.of(mail));
        byte[] raw = bytes(mail);
        StoringSink sink = new StoringSink(store, message);
        ReportParseException noReport = null;
        try {
            // a message of our own: reading James's would make it re-write the mail's MIME structure when a later mailet changes it
            extractor.extract(new MimeMessage(SESSION, new SharedByteArrayInputStream(raw)), sink);
        } catch (ReportParseException e) {
            noReport = e;
        }
        Optional<IngestOutcome> rejected = Optional.empty();
        if (noReport != null) {
            rejected = Optional.of(store.storeUnparseable(message, WHOLE_MESSAGE, raw, noReport.problem(), noReport.getMessage()));
        } else if (!sink.unreadable.isEmpty()) {
            UnreadablePart first = sink.unreadable.get(0);
            String reason = sink.unreadable.size() + (sink.unreadable.size() == 1 ? " part" : " parts") + " could not be read: "
                + sink.unreadable.stream().map(UnreadablePart::toString).collect(Collectors.joining("; "));
            rejected = Optional.of(store.storeUnparseable(message, WHOLE_MESSAGE, raw, first.problem().problem(), reason));
        }
        return new Receipt(message, sink.reports, rejected, noReport == null ? sink.unreadable : List.of());
    }

    private static Properties lenientAddresses() {
        Properties properties = new Properties();
        properties.setProperty("mail.mime.address.strict", "false");
        return properties;
    }

    /**
     * The mail as James holds it: the bytes received, as received (James's own message reads them
     * from its source, unparsed, unless a mailet before changed the mail).
     */
    private static byte[] bytes(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        try {
            if (message instanceof MimeMessageWrapper james) {
                try (InputStream in = james.getMessageInputStream()) {
                    return in.readAllBytes();
                }
            }
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            message.writeTo(raw);
            return raw.toByteArray();
        } catch (IOException e) {
            throw new MessagingException("cannot read the bytes of mail " + mail.getName() + ": " + e.getMessage(), e);
        }
    }

    /** Stores each report as the extractor finds it. */
    private static final class StoringSink implements ReportSink<SQLException> {
        private final ReportStore store;
        private final ReceivedMessageRef message;
        private final List<StoredReport> reports = new ArrayList<>();
        private final List<UnreadablePart> unreadable = new ArrayList<>();

        StoringSink(ReportStore store, ReceivedMessageRef message) {
            this.store = store;
            this.message = message;
        }

        @Override
        public void aggregate(AggregateReportSource report) throws ReportParseException, SQLException {
            AtomicReference<AggregateReport> header = new AtomicReference<>();
            IngestOutcome outcome = store.storeAggregate(message, report.observed(header::set, record -> { }));
            reports.add(new StoredReport(label(header.get(), report), outcome));
        }

        @Override
        public void failure(FailureReport report, String location) throws SQLException {
            try {
                reports.add(new StoredReport(label(report), store.storeFailure(message, report)));
            } catch (ReportParseException e) {
                // a value the schema cannot hold: the report is kept unread, with the mail
                unreadable.add(new UnreadablePart(location, e));
            }
        }

        @Override
        public void unreadable(String location, ReportParseException problem) {
            unreadable.add(new UnreadablePart(location, problem));
        }

        /** The report's label in the log: its id, reporter and domain when its header was read. */
        private static String label(AggregateReport header, AggregateReportSource report) {
            if (header == null) {
                return "aggregate report at " + report.location();
            }
            return "aggregate report '" + header.metadata().reportId() + "' from " + header.metadata().orgName()
                + " for " + header.policyPublished().domain();
        }

        private static String label(FailureReport report) {
            StringBuilder label = new StringBuilder("failure report");
            report.reportedDomain().ifPresent(domain -> label.append(" for ").append(domain));
            report.sourceIpText().ifPresent(ip -> label.append(" about ").append(ip));
            report.reportedMessage().flatMap(reported -> reported.messageId())
                .ifPresent(id -> label.append(" (message ").append(id).append(')'));
            return label.toString();
        }
    }
}
