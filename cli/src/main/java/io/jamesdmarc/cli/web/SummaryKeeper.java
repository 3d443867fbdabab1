package io.jamesdmarc.cli.web;

import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.storage.reporting.DashboardSummaries;

/**
 * Keeps the dashboard summaries up to date while the server runs: reports stored since (by James,
 * by {@code dmarc import}) are summarized a few at a time before each API request is answered, and
 * the rest every {@value #ROUND_SECONDS} seconds in the background, so that a request never waits
 * for a large batch.
 */
final class SummaryKeeper implements AutoCloseable {

    static final int ROUND_SECONDS = 2;
    /** Reports summarized before answering a request: a day's reports of a few domains. */
    static final int BEFORE_A_REQUEST = 25;
    private static final int PER_ROUND = 500;

    private static final Logger LOGGER = LoggerFactory.getLogger(SummaryKeeper.class);

    private final DashboardSummaries summaries;
    private final ScheduledExecutorService background;

    SummaryKeeper(DashboardSummaries summaries) {
        this.summaries = summaries;
        this.background = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "dmarc serve summaries");
            thread.setDaemon(true);
            return thread;
        });
        background.scheduleWithFixedDelay(this::round, ROUND_SECONDS, ROUND_SECONDS, TimeUnit.SECONDS);
    }

    /** Summarizes a few pending reports; a database failure is left to the request's own queries to report. */
    void beforeRequest() {
        try {
            summaries.catchUp(BEFORE_A_REQUEST);
        } catch (SQLException e) {
            LOGGER.debug("summarizing before a request failed: {}", e.getMessage());
        }
    }

    /** Reports still waiting to be summarized. */
    long pending() throws SQLException {
        return summaries.pending();
    }

    private void round() {
        try {
            int done = summaries.catchUp(PER_ROUND);
            if (done > 0) {
                LOGGER.info("{} reports added to the dashboard summaries", done);
            }
        } catch (SQLException | RuntimeException e) {
            LOGGER.warn("adding reports to the dashboard summaries failed, trying again in {} s: {}", ROUND_SECONDS, e.getMessage());
        }
    }

    @Override
    public void close() {
        background.shutdownNow();
    }
}
