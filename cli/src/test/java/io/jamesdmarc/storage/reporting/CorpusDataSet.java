package io.jamesdmarc.storage.reporting;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.google.common.hash.Hashing;

import io.jamesdmarc.cli.importing.Importer;
import io.jamesdmarc.cli.importing.InputOutcome;
import io.jamesdmarc.cli.inputs.Input;
import io.jamesdmarc.cli.inputs.InputFile;
import io.jamesdmarc.cli.inputs.InputFinder;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportHandler;
import io.jamesdmarc.model.aggregate.AggregateReportSource;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.model.unpack.ExtractionResult;
import io.jamesdmarc.model.unpack.ReportExtractor;
import io.jamesdmarc.model.unpack.ReportSink;
import io.jamesdmarc.storage.ingest.ReceivedMessage;
import io.jamesdmarc.storage.ingest.ReportStore;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * The shared corpus, loaded the way an operator loads it: {@code dmarc import}'s importer, every
 * file of {@code aggregate/} and {@code failure/}. What was delivered is read a second time apart
 * from the store, with the model's extractor (checked against EXPECTED.tsv by the model's and the
 * command's corpus tests): every aggregate report with all its records, every failure report, and
 * every file that holds no report with its reason. The received messages are made here from the
 * file, its SHA-256 and its Message-ID as jakarta.mail reads it.
 */
final class CorpusDataSet implements ReportDataSet {

    /** When the corpus is "imported": failure reports without an Arrival-Date count on this day. */
    static final Instant IMPORTED_AT = Instant.parse("2026-06-15T08:00:00Z");

    @Override
    public String describe() {
        return "the shared corpus, imported";
    }

    @Override
    public Delivered load(ReportStore store) throws Exception {
        Corpus corpus = Corpus.require();
        List<InputFile> files = InputFinder.find(List.of(corpus.root().resolve("aggregate"), corpus.root().resolve("failure")));
        Importer importer = new Importer(store, new ReportExtractor(ParseLimits.DEFAULTS), Clock.fixed(IMPORTED_AT, ZoneOffset.UTC), List.of());
        ReportExtractor extractor = new ReportExtractor(ParseLimits.DEFAULTS);

        List<AggregateDelivery> aggregates = new ArrayList<>();
        List<FailureDelivery> failures = new ArrayList<>();
        List<RejectedDelivery> rejected = new ArrayList<>();
        for (InputFile file : files) {
            for (Input input : file.open()) {
                ReceivedMessage message = message(input);
                Instant before = Instant.now().minusSeconds(1);
                InputOutcome outcome = importer.importInput(input);
                Instant after = Instant.now().plusSeconds(1);
                if (outcome.databaseFailed()) {
                    throw new IllegalStateException("the database failed importing " + input.name() + ": " + outcome.failures());
                }
                Delivery delivery = new Delivery(message);
                try {
                    ExtractionResult result = extractor.extract(input.content(), input.displayName(), delivery);
                    if (!result.unreadable().isEmpty()) {
                        throw new IllegalStateException(input.name() + " holds reports beside unreadable parts: this data set knows no such file");
                    }
                } catch (ReportParseException e) {
                    rejected.add(new RejectedDelivery(message, input.displayName(), (int) input.content().size(), e.problem(), e.getMessage(),
                        before, after));
                }
                aggregates.addAll(delivery.aggregates);
                failures.addAll(delivery.failures);
            }
        }
        return new Delivered(aggregates, failures, rejected);
    }

    private static ReceivedMessage message(Input input) throws Exception {
        ReceivedMessage.Builder builder = ReceivedMessage.file(input.file(), input.content().hash(Hashing.sha256()).toString(), IMPORTED_AT)
            .sizeBytes(input.content().size());
        messageId(input).ifPresent(builder::messageId);
        return builder.build();
    }

    /** The Message-ID of a file that is a mail, as jakarta.mail reads it (none for other files). */
    private static java.util.Optional<String> messageId(Input input) throws Exception {
        byte[] bytes = input.content().read();
        String head = new String(bytes, 0, Math.min(bytes.length, 200), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!head.matches("(?s)(From [^\\n]*\\n)?[!-9;-~]+:.*")) {
            return java.util.Optional.empty();
        }
        MimeMessage mail = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
        return java.util.Optional.ofNullable(mail.getMessageID()).map(String::strip);
    }

    /** Collects what one input delivers, records and all. */
    private static final class Delivery implements ReportSink<RuntimeException> {
        private final ReceivedMessage message;
        private final List<AggregateDelivery> aggregates = new ArrayList<>();
        private final List<FailureDelivery> failures = new ArrayList<>();

        Delivery(ReceivedMessage message) {
            this.message = message;
        }

        @Override
        public void aggregate(AggregateReportSource report) throws ReportParseException {
            List<ReportRecord> records = new ArrayList<>();
            AggregateReport[] header = new AggregateReport[1];
            report.read(new AggregateReportHandler<RuntimeException>() {
                @Override
                public void header(AggregateReport value) {
                    header[0] = value;
                }

                @Override
                public void record(ReportRecord record) {
                    records.add(record);
                }
            });
            aggregates.add(new AggregateDelivery(message, header[0], records));
        }

        @Override
        public void failure(FailureReport report, String location) {
            failures.add(new FailureDelivery(message, report));
        }
    }
}
