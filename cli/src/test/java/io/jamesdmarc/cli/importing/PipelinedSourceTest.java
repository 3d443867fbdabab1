package io.jamesdmarc.cli.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReadSummary;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportHandler;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.storage.testing.ReportFixtures;
import io.jamesdmarc.storage.testing.TestReportSource;

class PipelinedSourceTest {

    private static final AggregateReport HEADER = ReportFixtures.header("Reporter", "r@reporter.example", "p-1", "example.com",
        Instant.parse("2026-05-01T00:00:00Z"), Instant.parse("2026-05-01T23:59:59Z"));
    private static final int RECORDS = 100_000;

    private final AtomicInteger read = new AtomicInteger();

    private TestReportSource source() {
        return TestReportSource.generated(HEADER, RECORDS, ReportFixtures::generatedRecord).beforeRecord(n -> read.set(n));
    }

    /** Collects what it is handed; throws an SQLException at record {@code failAt} (0: at the header, -1: never). */
    private static final class Collecting implements AggregateReportHandler<SQLException> {
        final List<Object> seen = new ArrayList<>();
        final int failAt;

        Collecting(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public void header(AggregateReport report) throws SQLException {
            if (failAt == 0) {
                throw new SQLException("stored before");
            }
            seen.add(report);
        }

        @Override
        public void record(ReportRecord record) throws SQLException {
            if (seen.size() == failAt) {
                throw new SQLException("connection killed");
            }
            seen.add(record);
        }
    }

    @AfterEach
    void theReadingThreadHasEnded() {
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().equals("dmarc import reader"));
    }

    @Test
    void handsTheHeaderThenEveryRecordInOrderAndTheSummary() throws Exception {
        Collecting handler = new Collecting(-1);

        AggregateReadSummary summary = new PipelinedSource(source()).read(handler);

        List<Object> expected = new ArrayList<>();
        expected.add(HEADER);
        expected.addAll(source().records());
        assertThat(handler.seen).isEqualTo(expected);
        assertThat(summary.records()).isEqualTo(RECORDS);
    }

    @Test
    void aParseErrorComesOutAsTheReaderThrewItAfterTheRecordsBeforeIt() {
        Collecting handler = new Collecting(-1);

        assertThatThrownBy(() -> new PipelinedSource(source().failingBefore(3_000)).read(handler))
            .isInstanceOf(ReportParseException.class).hasMessageContaining("record 3000");
        assertThat(handler.seen).hasSize(3_000);
    }

    @Test
    void theHandlerStoppingAtTheHeaderStopsTheReading() {
        Collecting handler = new Collecting(0);

        assertThatThrownBy(() -> new PipelinedSource(source()).read(handler)).isInstanceOf(SQLException.class).hasMessage("stored before");
        // the reader runs at most the queue's few chunks ahead of the handler
        assertThat(read.get()).as("records read before the reader saw the stop").isLessThan(10_000);
    }

    @Test
    void theHandlerFailingMidwayStopsTheReading() {
        Collecting handler = new Collecting(1_000);

        assertThatThrownBy(() -> new PipelinedSource(source()).read(handler)).isInstanceOf(SQLException.class).hasMessage("connection killed");
        assertThat(handler.seen).hasSize(1_000);
        assertThat(read.get()).isLessThan(11_000);
    }
}
