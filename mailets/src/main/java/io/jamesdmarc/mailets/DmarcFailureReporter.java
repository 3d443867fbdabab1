package io.jamesdmarc.mailets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.mail.MessagingException;

import org.apache.james.utils.PropertiesProvider;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.mailets.outbound.failure.FailureReporter;
import io.jamesdmarc.mailets.outbound.failure.FailureReporter.PassSummary;
import io.jamesdmarc.mailets.outbound.failure.FailureReporterConfiguration;
import io.jamesdmarc.mailets.settings.DmarcDatabase;
import io.jamesdmarc.mailets.settings.DmarcDns;
import io.jamesdmarc.mailets.settings.DmarcSettings;
import io.jamesdmarc.storage.DatabaseUnavailableException;
import io.jamesdmarc.storage.outbound.failure.FailureReportLedger;

/**
 * Sends the DMARC failure reports (RFC 9991) that the evaluations {@link DmarcEvaluate} recorded
 * owe: for each message whose Author Domain's policy asks for them ({@code ruf}, and a {@code fo}
 * option the message met), an AFRF report ({@code multipart/report; report-type=feedback-report}:
 * a human-readable part, {@code message/feedback-report}, {@code text/rfc822-headers}) to each
 * verified destination, within a rate limit per destination address.
 *
 * <p>Where the work is done: a thread of this mailet reads the reports due from the DMARC database
 * every {@code failurePollSeconds}, from {@code init()} to {@code destroy()}. Reading the database,
 * not the mail, is what makes the guarantees hold: reports owed while James was down or the
 * database away are sent later (nothing lost), every James node sharing the database may run the
 * mailet (a report is claimed by one node, and the rate limit is counted in the database), and a
 * restart loses nothing. {@link #service} does nothing to a mail: placed after DmarcEvaluate, it
 * only wakes the thread when a mail was evaluated, so that reports leave within seconds rather
 * than at the next poll.
 *
 * <p>Each report mail is handed to the processor {@code failureProcessor} (default
 * {@value FailureReporterConfiguration#DEFAULT_PROCESSOR}), which should sign it with James's
 * {@code DKIMSign} for {@code failureDkimSignDomain} and deliver it with {@code RemoteDelivery}:
 * reports must pass DMARC themselves. It carries the attribute {@link DmarcAttributes#OUTBOUND_REPORT}
 * so that DmarcEvaluate never evaluates it.
 *
 * <pre>{@code
 * <mailet match="All" class="io.jamesdmarc.mailets.DmarcEvaluate"/>
 * <mailet match="All" class="io.jamesdmarc.mailets.DmarcFailureReporter">
 *     <failureSendFrequency>1 per 1 day</failureSendFrequency>
 *     <failureProcessor>dmarc-reports</failureProcessor>
 * </mailet>
 * ...
 * <processor state="dmarc-reports">
 *     <mailet match="All" class="org.apache.james.jdkim.mailets.DKIMSign">...</mailet>
 *     <mailet match="All" class="RemoteDelivery">...</mailet>
 * </processor>
 * }</pre>
 *
 * <p>Parameters (each may also be set in {@code conf/dmarc.properties}); see README "Deploying into
 * James" for each: {@code failureFromName}, {@code failureFromAddress}, {@code failureSubject},
 * {@code failureSendFrequency}, {@code failureDkimSignDomain}, {@code failureProcessor},
 * {@code failureIncludeMessage}, {@code failureMessageMaxBytes}, {@code failureRedact}, {@code failureRedactionSecret},
 * {@code failurePollSeconds}, {@code failureBatchSize}, {@code failureDecisionRetentionDays} (365), {@code authservId},
 * the database and DNS settings.
 * Bad configuration stops James at start-up with a message naming the parameter; a database that is
 * down does not (the thread tries again at each poll).
 *
 * <p>Logs: one INFO line per decision, naming the evaluation, the Author Domain, the destination,
 * and the report's Message-ID or the reason it was suppressed; the table {@code failure_report_sends}
 * holds the same.
 */
public class DmarcFailureReporter extends GenericMailet {

    private static final Logger LOGGER = LoggerFactory.getLogger(DmarcFailureReporter.class);
    /** After a mail was evaluated: time for the recorder to store its evaluation before the thread reads it. */
    private static final long WAKE_DELAY_MILLIS = 2_000;
    /** Messages waiting for the database to be kept (failureIncludeMessage): past that, reports carry the header. */
    private static final int KEEPER_QUEUE = 1_000;
    private static final Set<String> PASSING = Set.of("pass", "none");

    private final PropertiesProvider propertiesProvider;
    private final Clock clock;
    private FailureReporterConfiguration configuration;
    private DmarcDatabase database;
    private volatile FailureReporter reporter;
    private ScheduledExecutorService thread;
    private ThreadPoolExecutor keeper;
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    private final AtomicLong lastDatabaseWarning = new AtomicLong(System.nanoTime() - TimeUnit.DAYS.toNanos(1));

    @Inject
    public DmarcFailureReporter(PropertiesProvider propertiesProvider) {
        this(propertiesProvider, Clock.systemUTC());
    }

    DmarcFailureReporter(PropertiesProvider propertiesProvider, Clock clock) {
        this.propertiesProvider = propertiesProvider;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        DmarcSettings settings = DmarcSettings.load(propertiesProvider, getMailetConfig());
        configuration = FailureReporterConfiguration.read(settings, getMailetContext());
        database = new DmarcDatabase(configuration.database(), settings.mailetName());
        database.tryOpen();
        thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "dmarc-failure-reporter");
            t.setDaemon(true);
            return t;
        });
        keeper = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(KEEPER_QUEUE), runnable -> {
            Thread t = new Thread(runnable, "dmarc-failure-message-keeper");
            t.setDaemon(true);
            return t;
        });
        long poll = configuration.pollInterval().toMillis();
        thread.scheduleWithFixedDelay(this::pollQuietly, poll, poll, TimeUnit.MILLISECONDS);
        LOGGER.info("{} ready: {}, from {} <{}>, reports into processor {} (DKIM {}), redaction {}, polling {} every {} s",
            settings.mailetName(), configuration.frequency().map(f -> "at most " + f.count() + " report(s) per destination per "
                + f.period()).orElse("failure reports DISABLED"), configuration.fromName(), configuration.fromAddress(),
            configuration.processor(), configuration.dkimSignDomain(), configuration.redaction().scope().token(),
            configuration.database().redactedUrl(), configuration.pollInterval().toSeconds());
    }

    /**
     * Leaves the mail as it is; wakes the reporting thread when the mail was evaluated, and with
     * {@code failureIncludeMessage} keeps a copy of a message DmarcEvaluate found failing.
     */
    @Override
    public void service(Mail mail) {
        Optional<String> evaluation = AttributeUtils.getValueAndCastFromMail(mail, DmarcAttributes.EVALUATION_ID, String.class);
        if (evaluation.isEmpty()) {
            return;
        }
        if (configuration.includeMessage() && failed(mail)) {
            keep(mail, evaluation.get());
        }
        if (wakeScheduled.compareAndSet(false, true)) {
            try {
                thread.schedule(() -> {
                    wakeScheduled.set(false);
                    pollQuietly();
                }, WAKE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                wakeScheduled.set(false); // destroyed meanwhile
            }
        }
    }

    /**
     * Whether DmarcEvaluate found a failure a failure report may be about: DMARC failed, or a DKIM or
     * SPF check did not pass. (A report due only because of an unaligned pass, {@code fo=1} with both
     * checks passing, carries the header.)
     */
    private static boolean failed(Mail mail) {
        return !attribute(mail, DmarcAttributes.DMARC_RESULT).equals("pass")
            || !PASSING.contains(attribute(mail, DmarcAttributes.DKIM_RESULT))
            || !PASSING.contains(attribute(mail, DmarcAttributes.SPF_RESULT));
    }

    private static String attribute(Mail mail, org.apache.mailet.AttributeName name) {
        return AttributeUtils.getValueAndCastFromMail(mail, name, String.class).orElse("none");
    }

    /** A copy of the message, stored by the keeper thread: never slows the mail, and a full queue only means "header only". */
    private void keep(Mail mail, String evaluationId) {
        byte[] bytes;
        try {
            LimitedOutput out = new LimitedOutput(configuration.messageMaxBytes());
            mail.getMessage().writeTo(out);
            bytes = out.toByteArray();
        } catch (LimitedOutput.TooLarge e) {
            LOGGER.info("Message of evaluation {} ({}) is larger than {} bytes: its failure reports will carry its header only",
                evaluationId, mail.getName(), configuration.messageMaxBytes());
            return;
        } catch (IOException | MessagingException | RuntimeException e) {
            LOGGER.warn("Message of evaluation {} ({}) not kept for failure reports: {}", evaluationId, mail.getName(), e.getMessage());
            return;
        }
        try {
            keeper.execute(() -> {
                try {
                    reporter().keepMessage(evaluationId, bytes);
                } catch (SQLException e) {
                    LOGGER.warn("Message of evaluation {} not kept for failure reports, the DMARC database failed: {}; its reports will "
                        + "carry its header only", evaluationId, e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            LOGGER.warn("Message of evaluation {} not kept for failure reports: {} messages wait for the database already; its "
                + "reports will carry its header only", evaluationId, KEEPER_QUEUE);
        }
    }

    /** A byte buffer that refuses to grow past its limit. */
    private static final class LimitedOutput extends ByteArrayOutputStream {
        private final int limit;

        LimitedOutput(int limit) {
            this.limit = limit;
        }

        @Override
        public synchronized void write(int b) {
            check(1);
            super.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            check(len);
            super.write(b, off, len);
        }

        private void check(int more) {
            if (count + more > limit) {
                throw new TooLarge();
            }
        }

        static final class TooLarge extends RuntimeException {
            TooLarge() {
                super("too large", null, false, false);
            }
        }
    }

    /**
     * Sends the reports due now, on the calling thread (the mailet's own thread does the same at
     * every poll): for tests and for operators who trigger it.
     *
     * @throws SQLException the database failed; nothing is lost (unsettled claims are taken again later)
     */
    public PassSummary sendDueReports() throws SQLException {
        PassSummary total = PassSummary.NOTHING;
        FailureReporter current = reporter();
        PassSummary pass;
        do {
            pass = current.sendDue();
            total = new PassSummary(total.claimed() + pass.claimed(), total.sent() + pass.sent(), total.suppressed() + pass.suppressed(),
                total.handedBack() + pass.handedBack());
        } while (pass.claimed() >= configuration.batchSize() && pass.handedBack() < pass.claimed());
        return total;
    }

    private void pollQuietly() {
        try {
            PassSummary summary = sendDueReports();
            if (summary.claimed() > 0) {
                LOGGER.info("Failure reports: {} claimed, {} sent, {} suppressed, {} due again", summary.claimed(), summary.sent(),
                    summary.suppressed(), summary.handedBack());
            }
        } catch (SQLException e) {
            // once per poll interval: a mail evaluated every second must not log the same outage every two seconds
            long now = System.nanoTime();
            long last = lastDatabaseWarning.get();
            if (now - last >= configuration.pollInterval().toNanos() && lastDatabaseWarning.compareAndSet(last, now)) {
                LOGGER.warn("Failure reports not sent now, the DMARC database failed: {}; trying again in {} s", e.getMessage(),
                    configuration.pollInterval().toSeconds());
            } else {
                LOGGER.debug("Failure reports not sent now, the DMARC database failed: {}", e.getMessage());
            }
        } catch (RuntimeException e) {
            LOGGER.error("Failure reports not sent now: {}; trying again in {} s", e.getMessage(),
                configuration.pollInterval().toSeconds(), e);
        }
    }

    private FailureReporter reporter() throws DatabaseUnavailableException {
        FailureReporter current = reporter;
        if (current == null) {
            synchronized (this) {
                if (reporter == null) {
                    reporter = new FailureReporter(configuration, new FailureReportLedger(database.get().dataSource()),
                        DmarcDns.resolver(configuration.dns()), getMailetContext(), clock);
                }
                current = reporter;
            }
        }
        return current;
    }

    /** The settings in force (after {@code init()}). */
    public Optional<FailureReporterConfiguration> configuration() {
        return Optional.ofNullable(configuration);
    }

    @Override
    public void destroy() {
        if (keeper != null) {
            keeper.shutdown();
            try {
                keeper.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (thread != null) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (database != null) {
            database.close();
        }
    }

    @Override
    public String getMailetInfo() {
        return "james-dmarc: sends the DMARC failure reports (RFC 9991) recorded evaluations owe, rate limited";
    }
}
