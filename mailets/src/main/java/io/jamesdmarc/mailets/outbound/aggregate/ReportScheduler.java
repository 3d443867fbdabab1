package io.jamesdmarc.mailets.outbound.aggregate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.model.outbound.SendFrequency;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.outbound.AggregateReporting;
import io.jamesdmarc.storage.outbound.ReportOutcome;

/**
 * The aggregate reporter's own thread: every check interval it sends the reports due and prunes the
 * evaluations reported longer ago than the retention. Started by the mailet's {@code init()}, stopped
 * by its {@code destroy()}, which lets a run in progress finish (a report half handed over would be
 * sent again by another node once its lease ends). A run that fails (database down) is logged and
 * tried at the next interval: nothing is marked, so nothing is lost.
 */
public final class ReportScheduler implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(ReportScheduler.class);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final ScheduledExecutorService executor;
    private final AggregateReporting reporting;
    private final EvaluationRepository evaluations;
    private final SendFrequency frequency;
    private final Duration retention;
    private final Clock clock;
    private final Consumer<List<ReportOutcome>> listener;

    private ReportScheduler(AggregateReporting reporting, EvaluationRepository evaluations, SendFrequency frequency, Duration retention,
                            Clock clock, String name, Consumer<List<ReportOutcome>> listener) {
        this.listener = listener;
        this.reporting = reporting;
        this.evaluations = evaluations;
        this.frequency = frequency;
        this.retention = retention;
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts running every {@code interval}, the first run after {@code firstDelay}.
     *
     * @param listener told the outcomes of each run (metrics)
     */
    public static ReportScheduler start(AggregateReporting reporting, EvaluationRepository evaluations, SendFrequency frequency,
                                        Duration retention, Clock clock, Duration firstDelay, Duration interval, String name,
                                        Consumer<List<ReportOutcome>> listener) {
        ReportScheduler scheduler = new ReportScheduler(reporting, evaluations, frequency, retention, clock, name, listener);
        scheduler.executor.scheduleWithFixedDelay(scheduler::runSafely, firstDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return scheduler;
    }

    private void runSafely() {
        try {
            run();
        } catch (Exception | Error e) {
            LOGGER.warn("DMARC aggregate reports: this run failed ({}); tried again at the next interval, nothing is lost",
                e.getMessage(), e);
        }
    }

    /** One run: the reports due, then pruning. */
    public List<ReportOutcome> run() throws Exception {
        Instant now = clock.instant();
        List<ReportOutcome> outcomes = reporting.sendDue(frequency, now);
        listener.accept(outcomes);
        long pruned = evaluations.pruneReportedBefore(now.minus(retention));
        if (!outcomes.isEmpty() || pruned > 0) {
            LOGGER.info("DMARC aggregate reports: {} sent, {} undeliverable, {} failed (tried again later), {} held by another reporter; "
                + "{} reported evaluations older than {} days pruned", count(outcomes, ReportOutcome.Status.SENT),
                count(outcomes, ReportOutcome.Status.UNDELIVERABLE), count(outcomes, ReportOutcome.Status.FAILED),
                count(outcomes, ReportOutcome.Status.HELD_ELSEWHERE), pruned, retention.toDays());
        }
        return outcomes;
    }

    private static long count(List<ReportOutcome> outcomes, ReportOutcome.Status status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOGGER.warn("DMARC aggregate reports: the run in progress did not end within {} s; stopping it", STOP_TIMEOUT.toSeconds());
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
