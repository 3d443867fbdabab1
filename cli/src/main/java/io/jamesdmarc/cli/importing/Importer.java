package io.jamesdmarc.cli.importing;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.hash.Hashing;

import io.jamesdmarc.cli.inputs.Input;
import io.jamesdmarc.cli.inputs.IoProblems;
import io.jamesdmarc.cli.inputs.MailHeaders;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReportSource;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.unpack.ExtractionResult;
import io.jamesdmarc.model.unpack.ReportExtractor;
import io.jamesdmarc.model.unpack.ReportSink;
import io.jamesdmarc.storage.ingest.IngestOutcome;
import io.jamesdmarc.storage.ingest.ReceivedMessage;
import io.jamesdmarc.storage.ingest.ReceivedMessageRef;
import io.jamesdmarc.storage.ingest.ReportStore;

/**
 * Imports one input into the store, as {@code dmarc import} does for each file and mailbox
 * message: records it as a received message, stores every report found in it (each once: a
 * report stored before is a duplicate), and keeps what cannot be read (its bytes and the reason)
 * as a rejected input. Thread-safe.
 *
 * <p>A database failure part-way (a dropped connection, a server restart) is retried: every step
 * is idempotent (a report stored by the failed attempt is found stored by the next), so the input
 * is done whole or reported as not imported, never half-counted.
 */
public final class Importer {

    /** The problem of an input the database failed to take, after retries. */
    public static final String DATABASE_ERROR = "DATABASE_ERROR";
    /** The problem of an input that could not even be read from disk. */
    public static final String UNREADABLE_FILE = "UNREADABLE_FILE";

    /** Inputs from this size on (a gzipped report of some 40,000 records) are parsed while they are stored: see {@link PipelinedSource}. */
    static final long PIPELINE_FROM_BYTES = 1 << 20;

    private static final Logger LOGGER = LoggerFactory.getLogger(Importer.class);

    private final ReportStore store;
    private final ReportExtractor extractor;
    private final Clock clock;
    private final List<Duration> retryDelays;
    private final AtomicLong recordsRead = new AtomicLong();

    /**
     * @param retryDelays the waits before each retry after a database failure (their number is the number of retries)
     */
    public Importer(ReportStore store, ReportExtractor extractor, Clock clock, List<Duration> retryDelays) {
        this.store = Objects.requireNonNull(store, "store");
        this.extractor = Objects.requireNonNull(extractor, "extractor");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retryDelays = List.copyOf(retryDelays);
    }

    /** Records read so far by every import of this importer, stored or not: for a progress display. */
    public long recordsRead() {
        return recordsRead.get();
    }

    /** Imports the input; never throws for a bad input or a failing database: the outcome says. */
    public InputOutcome importInput(Input input) throws InterruptedException {
        String sha256;
        long size;
        try {
            sha256 = input.content().hash(Hashing.sha256()).toString();
            size = input.content().size();
        } catch (IOException e) {
            return failedWhole(input, UNREADABLE_FILE, "cannot read " + input.name() + ": " + IoProblems.describe(e), InputOutcome.Kept.NO);
        }
        ReceivedMessage message = receivedMessage(input, sha256, size);
        Attempts attempts = new Attempts();
        for (int attempt = 0; ; attempt++) {
            try {
                return attempt(input, message, attempts);
            } catch (SQLException e) {
                if (attempt >= retryDelays.size()) {
                    LOGGER.warn("{} not imported: the database failed {} times, last: {}", input.name(), attempt + 1, e.getMessage());
                    return failedWhole(input, DATABASE_ERROR, "the database failed (" + e.getMessage()
                        + "); nothing of this input is missing from a later import", InputOutcome.Kept.NO);
                }
                LOGGER.info("{}: the database failed ({}), trying again in {} ms", input.name(), e.getMessage(),
                    retryDelays.get(attempt).toMillis());
                Thread.sleep(retryDelays.get(attempt).toMillis());
            } catch (IOException e) {
                return failedWhole(input, UNREADABLE_FILE, "cannot read " + input.name() + ": " + IoProblems.describe(e), InputOutcome.Kept.NO);
            }
        }
    }

    private InputOutcome attempt(Input input, ReceivedMessage message, Attempts attempts) throws SQLException, IOException {
        attempts.begin();
        ReceivedMessageRef ref = store.recordMessage(message);
        Sink sink = new Sink(ref, attempts, message.sizeBytes().orElse(0L) >= PIPELINE_FROM_BYTES);
        String name = input.displayName();
        ExtractionResult result;
        try {
            result = extractor.extract(input.content(), name, sink);
        } catch (ReportParseException e) {
            IngestOutcome kept = store.storeUnparseable(ref, name, input.content(), e.problem(), e.getMessage());
            return attempts.outcome(input.name(), List.of(new InputOutcome.Failure(input.name(), Optional.empty(), e.problem().name(),
                e.getMessage(), kept(kept))));
        }
        List<Part> parts = new ArrayList<>(sink.unstorable);
        result.unreadable().forEach(part -> parts.add(new Part(part.location(), part.problem())));
        if (parts.isEmpty()) {
            return attempts.outcome(input.name(), List.of());
        }
        // one rejected input per input: the bytes are the input's (a part's own bytes are not at hand), its reason lists each part
        Part first = parts.get(0);
        String location = parts.size() == 1 ? first.location() : parts.size() + " parts: "
            + String.join("; ", parts.stream().map(Part::location).toList());
        String reason = parts.size() == 1 ? first.problem().getMessage()
            : String.join("; ", parts.stream().map(part -> part.location() + ": " + part.problem().getMessage()).toList());
        IngestOutcome kept = store.storeUnparseable(ref, location, input.content(), first.problem().problem(), reason);
        List<InputOutcome.Failure> failures = parts.stream().map(part -> new InputOutcome.Failure(input.name(), Optional.of(part.location()),
            part.problem().problem().name(), part.problem().getMessage(), kept(kept))).toList();
        return attempts.outcome(input.name(), failures);
    }

    private static InputOutcome.Kept kept(IngestOutcome outcome) {
        return outcome.duplicate() ? InputOutcome.Kept.BEFORE : InputOutcome.Kept.NOW;
    }

    private static InputOutcome failedWhole(Input input, String problem, String reason, InputOutcome.Kept kept) {
        return new InputOutcome(input.name(), 0, 0, 0, 0, List.of(new InputOutcome.Failure(input.name(), Optional.empty(), problem, reason, kept)));
    }

    /** The input's row in received_messages: keyed so that importing it again finds it. */
    ReceivedMessage receivedMessage(Input input, String sha256, long size) {
        ReceivedMessage.Builder builder = switch (input.origin()) {
            case Input.PlainFile plain -> ReceivedMessage.file(input.file(), sha256, clock.instant());
            case Input.MboxMessage mbox -> ReceivedMessage.mailboxMessage(mbox.mbox(), "message=" + mbox.number(), sha256, clock.instant());
            case Input.MaildirMessage maildir -> ReceivedMessage.mailboxMessage(maildir.maildir(), maildir.uniqueName(), sha256, clock.instant())
                .filePath(input.file().toAbsolutePath().normalize());
        };
        MailHeaders headers = MailHeaders.of(input.content());
        headers.messageId().ifPresent(builder::messageId);
        headers.from().ifPresent(builder::from);
        headers.subject().ifPresent(builder::subject);
        return builder.sizeBytes(size).build();
    }

    /** A part that held, or claimed to hold, a report and could not be read or stored. */
    private record Part(String location, ReportParseException problem) {
    }

    /**
     * What the attempts at one input stored. A report stored by an attempt the database then broke
     * off is found stored by the next attempt: it counts as stored by this import, not as a
     * duplicate. (A report that comes twice within one attempt, say twice in one zip, is a duplicate.)
     */
    private static final class Attempts {
        private final Map<String, IngestOutcome> storedEarlier = new HashMap<>();
        private final List<IngestOutcome> current = new ArrayList<>();

        void begin() {
            for (IngestOutcome outcome : current) {
                if (!outcome.duplicate()) {
                    storedEarlier.put(key(outcome), outcome);
                }
            }
            current.clear();
        }

        void add(IngestOutcome outcome) {
            current.add(outcome);
        }

        InputOutcome outcome(String name, List<InputOutcome.Failure> failures) {
            int aggregates = 0;
            int failureReports = 0;
            int duplicates = 0;
            long records = 0;
            Map<String, IngestOutcome> unclaimed = new HashMap<>(storedEarlier);
            for (IngestOutcome reported : current) {
                IngestOutcome outcome = reported.duplicate() && unclaimed.containsKey(key(reported)) ? unclaimed.remove(key(reported)) : reported;
                if (outcome.duplicate()) {
                    duplicates++;
                } else if (outcome.kind() == IngestOutcome.Kind.AGGREGATE_REPORT) {
                    aggregates++;
                    records += outcome.records();
                } else {
                    failureReports++;
                }
            }
            return new InputOutcome(name, aggregates, failureReports, duplicates, records, failures);
        }

        private static String key(IngestOutcome outcome) {
            return outcome.kind() + "#" + outcome.id();
        }
    }

    /** Stores what the extractor finds, as it finds it. */
    private final class Sink implements ReportSink<SQLException> {
        private final ReceivedMessageRef ref;
        private final Attempts attempts;
        private final boolean large;
        private final List<Part> unstorable = new ArrayList<>();

        /** @param large whether reports are read on a thread of their own while stored (not worth a thread for small inputs) */
        Sink(ReceivedMessageRef ref, Attempts attempts, boolean large) {
            this.ref = ref;
            this.attempts = attempts;
            this.large = large;
        }

        @Override
        public void aggregate(AggregateReportSource report) throws ReportParseException, SQLException {
            // records counted as they stream by, for the progress display
            AggregateReportSource counted = report.observed(header -> { }, record -> recordsRead.incrementAndGet());
            attempts.add(store.storeAggregate(ref, large ? new PipelinedSource(counted) : counted));
        }

        @Override
        public void failure(FailureReport report, String location) throws SQLException {
            try {
                attempts.add(store.storeFailure(ref, report));
            } catch (ReportParseException e) {
                // read, but holds a value the schema cannot: kept raw like an unreadable part
                unstorable.add(new Part(location, e));
            }
        }
    }
}
