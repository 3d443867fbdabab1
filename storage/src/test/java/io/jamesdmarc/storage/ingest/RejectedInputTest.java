package io.jamesdmarc.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.model.ReportParseException.Problem;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

class RejectedInputTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private ReportStore store;
    private ReceivedMessageRef message;
    private SqlProbe sql;

    @BeforeEach
    void emptyStore() throws SQLException {
        DB.truncateAll();
        store = DB.database().reportStore();
        sql = new SqlProbe(DB.dataSource());
        message = store.recordMessage(ReceivedMessage.file(java.nio.file.Path.of("/srv/reports/bad.xml.gz"), "ab12", Instant.now()).build());
    }

    @Test
    void keepsTheBytesOfALargeInputInCompressedPiecesThatReadBackExactly() throws Exception {
        // 3.5 MB: incompressible noise followed by XML-like text, so pieces of both kinds are written
        byte[] raw = new byte[3_500_000];
        new Random(7).nextBytes(raw);
        byte[] text = "<record><row><source_ip>192.0.2.1</source_ip></row></record>\n".repeat(25_000).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(text, 0, raw, raw.length - text.length, text.length);

        IngestOutcome outcome = store.storeUnparseable(message, "part 2 (application/gzip) > gzip", raw, Problem.CORRUPT_CONTAINER,
            "gzip: invalid block type at byte 1234");

        assertThat(outcome.status()).isEqualTo(IngestOutcome.Status.STORED);
        assertThat(DB.database().storedReports().rejectedInput(outcome.id())).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(raw));
        assertThat(sql.count("rejected_input_chunks")).isEqualTo(4);
        assertThat(sql.strings("SELECT CONCAT_WS('|', problem, reason, location, size_bytes) FROM rejected_inputs"))
            .containsExactly("CORRUPT_CONTAINER|gzip: invalid block type at byte 1234|part 2 (application/gzip) > gzip|3500000");
    }

    @Test
    void keepsAnInputReadFromASourceAPieceAtATime() throws Exception {
        byte[] raw = "<feedback><record>".repeat(150_000).getBytes(StandardCharsets.US_ASCII);
        java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        com.google.common.io.ByteSource source = new com.google.common.io.ByteSource() {
            @Override
            public java.io.InputStream openStream() {
                opened.incrementAndGet();
                return new java.io.ByteArrayInputStream(raw);
            }
        };

        IngestOutcome outcome = store.storeUnparseable(message, "message", source, Problem.MALFORMED_XML, "line 1: unexpected end");

        assertThat(DB.database().storedReports().rejectedInput(outcome.id())).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(raw));
        assertThat(sql.count("rejected_input_chunks")).isEqualTo(3);
        assertThat(sql.longs("SELECT size_bytes FROM rejected_inputs")).containsExactly((long) raw.length);
        // the same bytes, from memory this time: the same input of the same message
        assertThat(store.storeUnparseable(message, "message", raw, Problem.MALFORMED_XML, "line 1: unexpected end").status())
            .isEqualTo(IngestOutcome.Status.DUPLICATE);
        assertThat(opened.get()).as("streams opened: size, hash, pieces").isLessThanOrEqualTo(3);
    }

    @Test
    void sqlUncompressReadsThePiecesBack() throws Exception {
        byte[] raw = "<feedback><report_metadata>unclosed".getBytes(StandardCharsets.UTF_8);
        IngestOutcome outcome = store.storeUnparseable(message, "message", raw, Problem.MALFORMED_XML, "line 1: unexpected end");

        ByteArrayOutputStream fromSql = new ByteArrayOutputStream();
        try (Connection connection = DB.dataSource().getConnection();
             PreparedStatement uncompress = connection.prepareStatement(
                 "SELECT UNCOMPRESS(data) FROM rejected_input_chunks WHERE rejected_input_id = ? ORDER BY chunk_no")) {
            uncompress.setLong(1, outcome.id());
            try (ResultSet rows = uncompress.executeQuery()) {
                while (rows.next()) {
                    fromSql.writeBytes(rows.getBytes(1));
                }
            }
        }
        assertThat(fromSql.toByteArray()).isEqualTo(raw);
    }

    @Test
    void theSameInputOfTheSameMessageIsKeptOnce() throws Exception {
        byte[] raw = "unused".getBytes(StandardCharsets.US_ASCII);

        IngestOutcome first = store.storeUnparseable(message, "part 2", raw, Problem.CORRUPT_CONTAINER, "not gzip");
        IngestOutcome again = store.storeUnparseable(message, "part 2", raw, Problem.CORRUPT_CONTAINER, "not gzip");

        assertThat(again.status()).isEqualTo(IngestOutcome.Status.DUPLICATE);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(sql.count("rejected_inputs")).isEqualTo(1);
        assertThat(sql.count("received_message_contents")).isEqualTo(1);
    }

    @Test
    void anEmptyInputIsKeptWithItsReason() throws Exception {
        IngestOutcome outcome = store.storeUnparseable(message, "message", new byte[0], Problem.EMPTY_INPUT, "zero bytes");

        assertThat(DB.database().storedReports().rejectedInput(outcome.id())).hasValueSatisfying(bytes -> assertThat(bytes).isEmpty());
        assertThat(sql.strings("SELECT content_type FROM received_message_contents")).containsExactly("rejected");
    }
}
