package io.jamesdmarc.storage.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.hash.Hashing;
import com.google.common.io.ByteSource;
import com.google.common.io.ByteStreams;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReadSummary;
import io.jamesdmarc.model.aggregate.AggregateReportSource;
import io.jamesdmarc.model.failure.FailureReport;

/**
 * Stores what arrives, each report exactly once, each in one transaction.
 *
 * <p>The order of calls for one mail (or file):
 * <pre>
 * ReceivedMessageRef ref = store.recordMessage(message);           // once per message; idempotent
 * for each report found in it:
 *     try {
 *         store.storeAggregate(ref, source);                       // or storeFailure(ref, report)
 *     } catch (ReportParseException e) {
 *         store.storeUnparseable(ref, source.location(), rawBytes, e.problem(), e.getMessage());
 *     }
 * </pre>
 *
 * <p>Every method is safe to call again after an {@link SQLException} (the database failed: nothing
 * of that call was kept, retry later) and after success (the second call says
 * {@link IngestOutcome.Status#DUPLICATE}). The same report stored at the same moment by two threads,
 * two James nodes or two {@code dmarc import} processes is stored once: the database's unique keys
 * decide, and the loser waits for the winner's transaction and then reports a duplicate.
 *
 * <p>Thread-safe; holds nothing but the data source.
 */
public final class ReportStore {

    private static final Logger LOGGER = LoggerFactory.getLogger(ReportStore.class);

    /** Header values of a mail kept for display only: longer ones are cut (the raw mail is not what these columns are for). */
    private static final int MAX_HEADER_TEXT = Columns.TEXT_CHARACTERS;

    private static final String INSERT_MESSAGE = "INSERT INTO received_messages (origin, origin_key, received_at, message_id, "
        + "envelope_sender, recipients, from_header, subject, remote_address, file_path, size_bytes, dkim_result, dkim_domain, "
        + "spf_result, spf_domain, dmarc_result, authentication_results) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String FIND_MESSAGE = "SELECT id FROM received_messages "
        + "WHERE origin_key_hash = UNHEX(SHA2(CONCAT(?, CHAR(0), ?), 256))";
    private static final String INSERT_REJECTED = "INSERT INTO rejected_inputs (received_message_id, location, problem, reason, "
        + "size_bytes, content_sha256) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String FIND_REJECTED = "SELECT id FROM rejected_inputs WHERE received_message_id = ? AND content_sha256 = ?";
    private static final String INSERT_CHUNK = "INSERT INTO rejected_input_chunks (rejected_input_id, chunk_no, data) VALUES (?, ?, ?)";

    private final DataSource dataSource;

    public ReportStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Records a received mail or imported file, or finds it when recorded before (same origin and
     * key: a mail James retries, a file imported again).
     */
    public ReceivedMessageRef recordMessage(ReceivedMessage message) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            // insert first: the unique key, not a look-up beforehand, decides between two recorders
            Optional<ReceivedMessageRef> inserted = insertMessage(connection, message);
            return inserted.isPresent() ? inserted.get() : findMessage(connection, message);
        }
    }

    private Optional<ReceivedMessageRef> insertMessage(Connection connection, ReceivedMessage message) throws SQLException {
        Optional<LocalDateTime> receivedAt = Columns.utc(message.receivedAt());
        if (receivedAt.isEmpty()) {
            throw new IllegalArgumentException("received at " + message.receivedAt() + " is outside the years 1000-9999");
        }
        MailAuthentication auth = message.authentication();
        try (PreparedStatement insert = connection.prepareStatement(INSERT_MESSAGE, Statement.RETURN_GENERATED_KEYS)) {
            int i = 0;
            insert.setString(++i, message.origin().column());
            insert.setString(++i, message.originKey());
            insert.setObject(++i, receivedAt.get());
            Columns.text(insert, ++i, Columns.fit(message.messageId(), 998));
            Columns.text(insert, ++i, Columns.fit(message.envelopeSender(), MAX_HEADER_TEXT));
            Columns.text(insert, ++i, Columns.fit(message.recipients().isEmpty() ? Optional.empty()
                : Optional.of(String.join(", ", message.recipients())), MAX_HEADER_TEXT));
            Columns.text(insert, ++i, Columns.fit(message.from(), MAX_HEADER_TEXT));
            Columns.text(insert, ++i, Columns.fit(message.subject(), MAX_HEADER_TEXT));
            Columns.text(insert, ++i, Columns.fit(message.remoteAddress(), 255));
            Columns.text(insert, ++i, message.filePath().map(Path::toString));
            if (message.sizeBytes().isPresent()) {
                insert.setLong(++i, message.sizeBytes().get());
            } else {
                insert.setNull(++i, Types.BIGINT);
            }
            Columns.text(insert, ++i, Columns.fit(auth.dkimResult(), 32));
            Columns.text(insert, ++i, Columns.fit(auth.dkimDomain(), 255));
            Columns.text(insert, ++i, Columns.fit(auth.spfResult(), 32));
            Columns.text(insert, ++i, Columns.fit(auth.spfDomain(), 255));
            Columns.text(insert, ++i, Columns.fit(auth.dmarcResult(), 32));
            Columns.text(insert, ++i, Columns.fit(auth.authenticationResults(), MAX_HEADER_TEXT));
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                ReceivedMessageRef ref = new ReceivedMessageRef(keys.getLong(1), message.describe());
                LOGGER.info("recorded {}", ref);
                return Optional.of(ref);
            }
        } catch (SQLException e) {
            if (SqlErrors.isDuplicateKey(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private ReceivedMessageRef findMessage(Connection connection, ReceivedMessage message) throws SQLException {
        try (PreparedStatement find = connection.prepareStatement(FIND_MESSAGE)) {
            find.setString(1, message.origin().column());
            find.setString(2, message.originKey());
            try (ResultSet row = find.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException("received message " + message.describe() + " was recorded, yet is not found", "40001");
                }
                ReceivedMessageRef ref = new ReceivedMessageRef(row.getLong(1), message.describe());
                LOGGER.debug("{} was recorded before", ref);
                return ref;
            }
        }
    }

    /**
     * Reads an aggregate report from {@code source} into the database in one transaction, streaming
     * its records in batches. A report stored before (same reporter org and e-mail, report id, policy
     * domain, begin and end) stops at its header: nothing else is written but the message's link to it.
     *
     * @throws ReportParseException the source is not a readable report, or holds a value the schema cannot
     *         (then nothing was kept: store the raw input with {@link #storeUnparseable})
     * @throws SQLException the database failed: nothing was kept, retry later
     */
    public IngestOutcome storeAggregate(ReceivedMessageRef message, AggregateReportSource source)
        throws SQLException, ReportParseException {
        try (Connection connection = dataSource.getConnection();
             AggregateReportWriter writer = new AggregateReportWriter(connection, message, source.location())) {
            connection.setAutoCommit(false);
            try {
                IngestOutcome outcome = write(writer, source);
                commit(connection, outcome);
                log(message, outcome);
                return outcome;
            } catch (ReportParseException e) {
                rollback(connection, e);
                LOGGER.warn("{} from {} at {} is not stored, nothing of it kept ({}): {}", writer.description(), message,
                    source.location(), e.problem(), e.getMessage());
                throw e;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
        }
    }

    private static IngestOutcome write(AggregateReportWriter writer, AggregateReportSource source)
        throws SQLException, ReportParseException {
        try {
            AggregateReadSummary summary = source.read(writer);
            return writer.finish(summary);
        } catch (StoreHalt.Duplicate duplicate) {
            return writer.duplicate(duplicate.existingId);
        } catch (StoreHalt.Failed failed) {
            throw failed.error;
        } catch (StoreHalt.Unstorable unstorable) {
            throw unstorable.toParseException();
        } catch (StoreHalt other) {
            throw new IllegalStateException("a halt of an unknown kind", other);
        }
    }

    /**
     * Stores a failure report in one transaction. The same report again (same normalised content,
     * see README) is a duplicate.
     *
     * @throws ReportParseException the report holds a value the schema cannot (a field name of 300 characters...)
     * @throws SQLException the database failed: nothing was kept, retry later
     */
    public IngestOutcome storeFailure(ReceivedMessageRef message, FailureReport report) throws SQLException, ReportParseException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            FailureReportWriter writer = new FailureReportWriter(connection, message, report);
            try {
                IngestOutcome outcome = write(writer);
                commit(connection, outcome);
                log(message, outcome);
                return outcome;
            } catch (ReportParseException e) {
                rollback(connection, e);
                LOGGER.warn("{} from {} is not stored ({}): {}", writer.description(), message, e.problem(), e.getMessage());
                throw e;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
        }
    }

    private static IngestOutcome write(FailureReportWriter writer) throws SQLException, ReportParseException {
        try {
            return writer.write();
        } catch (StoreHalt.Duplicate duplicate) {
            return writer.duplicate(duplicate.existingId);
        } catch (StoreHalt.Failed failed) {
            throw failed.error;
        } catch (StoreHalt.Unstorable unstorable) {
            throw unstorable.toParseException();
        } catch (StoreHalt other) {
            throw new IllegalStateException("a halt of an unknown kind", other);
        }
    }

    /**
     * Keeps an input that could not be read as a report: its bytes (compressed), the kind of problem
     * and the reason, linked to the message. The same bytes from the same message are kept once.
     *
     * @param location where in the message (as {@code AggregateReportSource.location()}), or {@code message} for the whole of it
     * @throws SQLException the database failed: nothing was kept, retry later
     */
    public IngestOutcome storeUnparseable(ReceivedMessageRef message, String location, byte[] rawBytes,
                                          ReportParseException.Problem problem, String reason) throws SQLException {
        Objects.requireNonNull(rawBytes, "rawBytes");
        try {
            return storeUnparseable(message, location, ByteSource.wrap(rawBytes), problem, reason);
        } catch (IOException e) {
            throw new IllegalStateException("bytes in memory cannot fail to read", e);
        }
    }

    /**
     * As {@link #storeUnparseable(ReceivedMessageRef, String, byte[], ReportParseException.Problem, String)},
     * reading the bytes from {@code raw} (twice: once for their hash, once to keep them) a piece at a
     * time, so that an input of any size is kept in little memory, e.g. a file {@code dmarc import}
     * could not read.
     *
     * @throws IOException reading {@code raw} failed: nothing was kept
     * @throws SQLException the database failed: nothing was kept, retry later
     */
    public IngestOutcome storeUnparseable(ReceivedMessageRef message, String location, ByteSource raw,
                                          ReportParseException.Problem problem, String reason) throws SQLException, IOException {
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(problem, "problem");
        byte[] sha256 = raw.hash(Hashing.sha256()).asBytes();
        long size = raw.size();
        String description = "rejected input (" + problem + ", " + size + " bytes)"
            + (location == null || location.isEmpty() ? "" : " at " + location) + ": " + reason;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            IngestOutcome outcome;
            try {
                long id;
                try (PreparedStatement insert = connection.prepareStatement(INSERT_REJECTED, Statement.RETURN_GENERATED_KEYS)) {
                    insert.setLong(1, message.id());
                    Columns.text(insert, 2, Columns.location(location));
                    insert.setString(3, problem.name());
                    insert.setString(4, reason == null || reason.isBlank() ? problem.name()
                        : Columns.fit(Optional.of(reason), Columns.TEXT_CHARACTERS).get());
                    insert.setLong(5, size);
                    insert.setBytes(6, sha256);
                    insert.executeUpdate();
                    try (ResultSet keys = insert.getGeneratedKeys()) {
                        keys.next();
                        id = keys.getLong(1);
                    }
                } catch (SQLException e) {
                    if (!SqlErrors.isDuplicateKey(e)) {
                        throw e;
                    }
                    id = existingRejected(connection, message, sha256);
                    MessageContents.record(connection, message, MessageContents.Type.REJECTED, id, IngestOutcome.Status.DUPLICATE, location);
                    outcome = new IngestOutcome(IngestOutcome.Status.DUPLICATE, IngestOutcome.Kind.REJECTED_INPUT, id, 0,
                        description + ", kept before as #" + id);
                    commit(connection, outcome);
                    log(message, outcome);
                    return outcome;
                }
                try (PreparedStatement chunk = connection.prepareStatement(INSERT_CHUNK); InputStream in = raw.openStream()) {
                    byte[] piece = new byte[(int) Math.min(CompressedChunks.CHUNK_BYTES, Math.max(size, 1))];
                    int chunkNo = 0;
                    for (int length = ByteStreams.read(in, piece, 0, piece.length); length > 0;
                         length = ByteStreams.read(in, piece, 0, piece.length)) {
                        chunk.setLong(1, id);
                        chunk.setInt(2, ++chunkNo);
                        chunk.setBytes(3, CompressedChunks.compress(piece, 0, length));
                        chunk.executeUpdate();
                    }
                }
                MessageContents.record(connection, message, MessageContents.Type.REJECTED, id, IngestOutcome.Status.STORED, location);
                outcome = new IngestOutcome(IngestOutcome.Status.STORED, IngestOutcome.Kind.REJECTED_INPUT, id, 0, description);
            } catch (SQLException e) {
                throw rollback(connection, e);
            } catch (IOException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
            commit(connection, outcome);
            log(message, outcome);
            return outcome;
        }
    }

    private static long existingRejected(Connection connection, ReceivedMessageRef message, byte[] sha256) throws SQLException {
        try (PreparedStatement find = connection.prepareStatement(FIND_REJECTED)) {
            find.setLong(1, message.id());
            find.setBytes(2, sha256);
            try (ResultSet row = find.executeQuery()) {
                if (row.next()) {
                    return row.getLong(1);
                }
            }
        }
        throw new SQLException("the rejected input kept before for " + message + " vanished while keeping it again", "40001");
    }

    private static void commit(Connection connection, IngestOutcome outcome) throws SQLException {
        try {
            connection.commit();
        } catch (SQLException e) {
            // the commit may or may not have reached the server: a retry stores the report, or finds it stored
            LOGGER.warn("commit of {} failed; the caller will retry: {}", outcome.description(), e.getMessage());
            throw e;
        }
    }

    /** Rolls back, keeping the original error; a broken connection cannot roll back, and the server already did. */
    private static <E extends Throwable> E rollback(Connection connection, E error) {
        try {
            connection.rollback();
        } catch (SQLException rollbackError) {
            error.addSuppressed(rollbackError);
        }
        return error;
    }

    private static void log(ReceivedMessageRef message, IngestOutcome outcome) {
        if (outcome.status() == IngestOutcome.Status.STORED) {
            LOGGER.info("stored {} as #{} from {}", outcome.description(), outcome.id(), message);
        } else {
            LOGGER.info("duplicate: {} (again in {})", outcome.description(), message);
        }
    }
}
