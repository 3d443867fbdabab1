package io.jamesdmarc.mailets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.mail.MessagingException;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.utils.PropertiesProvider;
import org.apache.mailet.Mail;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.mailets.outbound.DatabaseDataSource;
import io.jamesdmarc.mailets.outbound.OutboundReportMail;
import io.jamesdmarc.mailets.outbound.ReportDestinationVerification;
import io.jamesdmarc.mailets.outbound.aggregate.AggregateReporterConfiguration;
import io.jamesdmarc.mailets.outbound.aggregate.ReportScheduler;
import io.jamesdmarc.mailets.settings.DmarcDatabase;
import io.jamesdmarc.mailets.settings.DmarcSettings;
import io.jamesdmarc.model.outbound.SendFrequency;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.outbound.AggregateReporting;
import io.jamesdmarc.storage.outbound.OutboundAggregateReports;
import io.jamesdmarc.storage.outbound.ReportDestinations;
import io.jamesdmarc.storage.outbound.ReportOutcome;
import io.jamesdmarc.storage.outbound.ReportSender;

/**
 * Sends the aggregate reports (RFC 9990) this server owes: for the evaluations {@code DmarcEvaluate}
 * recorded, one report per policy domain, policy configuration and period (UTC hours, days or weeks),
 * to the {@code rua} destinations of the policy as published when the mail arrived, each external one
 * verified through its {@code _report._dmarc} TXT record first (unverified ones are skipped and
 * logged). Reports larger than {@code aggregateMaxReportSize} (or a destination's {@code !size}) are
 * split into several, each with its own id. Each mail is handed to James through the mailet context
 * into {@code aggregateProcessor} (the sample's {@code dmarc-reports}: James's {@code DKIMSign} for
 * {@code aggregateDkimSignDomain}, then {@code RemoteDelivery}), marked as a james-dmarc report, so that
 * it is never evaluated nor reported on itself.
 *
 * <p>The mailet runs a scheduler of its own, started in {@code init()} and stopped in
 * {@code destroy()}: it does nothing to the mails that pass through it ({@link #service} lets them go
 * on). The sample puts it into the {@code dmarc-reports} processor it sends into, where only our own
 * reports pass: James has no matcher that never matches, and a mailet whose processor is loaded is
 * initialised. Several James nodes on one database each run it: a claim in the database
 * ({@code outbound_aggregate_reports}) makes each report go out once. A send that fails is tried again
 * with back-off, with the same report id and file name. Evaluations are kept until their report is
 * sent (with {@code never}, for as long as it stays so), then pruned after {@code aggregateRetentionDays}.
 *
 * <pre>{@code
 * <processor state="dmarc-reports" enableJmx="true">
 *     <mailet match="All" class="io.jamesdmarc.mailets.DmarcAggregateReporter">
 *         <aggregateSendFrequency>daily</aggregateSendFrequency>
 *     </mailet>
 *     <mailet match="All" class="org.apache.james.jdkim.mailets.DKIMSign">...</mailet>
 *     <mailet match="All" class="RemoteDelivery">...</mailet>
 * </processor>
 * }</pre>
 *
 * <p>Parameters (init parameters, or keys of {@code conf/dmarc.properties}): {@code aggregateFromName}
 * (Report Subsystem), {@code aggregateFromAddress} (noreply-dmarc@ the server's default domain),
 * {@code aggregateSubject} (DMARC Aggregate Report; the RFC 9990 {@code Report Domain: ... Submitter: ...
 * Report-ID: <...>} follows it), {@code aggregateOrgName} (the server's domain), {@code aggregateContactInfo}
 * (none), {@code aggregateSendFrequency} (daily; hourly, daily, weekly, never), {@code aggregateMaxReportSize}
 * (5242880 bytes of gzip), {@code aggregateDkimSignDomain} (the server's domain; the From domain must align
 * with it), {@code aggregateProcessor} (dmarc-reports), {@code aggregateFormat} (rfc9990; rfc7489),
 * {@code aggregateRetentionDays} (7), {@code aggregateSendDelaySeconds} (900: how long after a period's end
 * its reports wait), {@code aggregateCheckIntervalSeconds} (300), {@code discovery}, the {@code db.*} and
 * {@code dns.*} settings. The server's domain is the domain of James's postmaster address.
 *
 * <p>Metrics: {@value #METRIC_SENT}, {@value #METRIC_UNDELIVERABLE}, {@value #METRIC_FAILED} (reports
 * this node sent, found no destination for, failed to send and will try again).
 */
public class DmarcAggregateReporter extends GenericMailet {

    private static final Logger LOGGER = LoggerFactory.getLogger(DmarcAggregateReporter.class);
    private static final Duration FIRST_RUN_AT_MOST = Duration.ofSeconds(30);

    public static final String METRIC_SENT = "dmarcAggregateReportsSent";
    public static final String METRIC_UNDELIVERABLE = "dmarcAggregateReportsUndeliverable";
    public static final String METRIC_FAILED = "dmarcAggregateReportsFailed";

    private final PropertiesProvider propertiesProvider;
    private final MetricFactory metricFactory;
    private final Clock clock;
    private Metric sent;
    private Metric undeliverable;
    private Metric failed;

    private AggregateReporterConfiguration configuration;
    private DmarcDatabase database;
    private AggregateReporting reporting;
    private Optional<ReportScheduler> scheduler = Optional.empty();

    @Inject
    public DmarcAggregateReporter(PropertiesProvider propertiesProvider, MetricFactory metricFactory) {
        this(propertiesProvider, metricFactory, Clock.systemUTC());
    }

    DmarcAggregateReporter(PropertiesProvider propertiesProvider, MetricFactory metricFactory, Clock clock) {
        this.propertiesProvider = propertiesProvider;
        this.metricFactory = metricFactory;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        DmarcSettings settings = DmarcSettings.load(propertiesProvider, getMailetConfig());
        configuration = AggregateReporterConfiguration.read(settings, getMailetContext());
        sent = metricFactory.generate(METRIC_SENT);
        undeliverable = metricFactory.generate(METRIC_UNDELIVERABLE);
        failed = metricFactory.generate(METRIC_FAILED);
        OutboundReportMail.requireUsableProcessor(this, AggregateReporterConfiguration.PROCESSOR, configuration.processor());
        database = new DmarcDatabase(configuration.database(), settings.mailetName());
        database.tryOpen();
        ReportDestinations destinations = ReportDestinations.verifiedBy(
            ReportDestinationVerification.verifier(configuration.dns(), configuration.discovery()));
        ReportSender sender = report -> {
            String name = OutboundReportMail.send(getMailetContext(), configuration.processor(), "aggregate", report.part().reportId(),
                report.envelopeSender(), report.recipients(), report.message());
            LOGGER.info("DMARC aggregate report {} ({} to {}, {} records) for {} {} handed to James as mail {} into processor {}",
                report.part().reportId(), report.part().fileName(), report.recipients(), report.part().records(), report.policyDomain(),
                report.period(), name, configuration.processor());
        };
        DatabaseDataSource dataSource = new DatabaseDataSource(database);
        EvaluationRepository evaluations = new EvaluationRepository(dataSource);
        reporting = new AggregateReporting(evaluations, new OutboundAggregateReports(dataSource), configuration.reporting(), destinations,
            sender);
        if (configuration.frequency() == SendFrequency.NEVER) {
            LOGGER.info("{} ready: aggregateSendFrequency never, no report is sent; evaluations are kept until sending resumes",
                settings.mailetName());
        } else {
            LOGGER.info("{} ready: {}", settings.mailetName(), configuration.describe());
        }
        Duration interval = configuration.checkInterval();
        scheduler = Optional.of(ReportScheduler.start(reporting, evaluations, configuration.frequency(),
            configuration.retention(), clock, interval.compareTo(FIRST_RUN_AT_MOST) < 0 ? interval : FIRST_RUN_AT_MOST, interval,
            "dmarc-aggregate-reporter", this::count));
    }

    /**
     * One run now, as the scheduler makes them: the reports due at {@code now} (none with
     * {@code never}). For operators' tools and tests.
     */
    public List<ReportOutcome> sendDue(Instant now) throws Exception {
        List<ReportOutcome> outcomes = reporting.sendDue(configuration.frequency(), now);
        count(outcomes);
        return outcomes;
    }

    private void count(List<ReportOutcome> outcomes) {
        for (ReportOutcome outcome : outcomes) {
            switch (outcome.status()) {
                case SENT -> sent.increment();
                case UNDELIVERABLE -> undeliverable.increment();
                case FAILED -> failed.increment();
                default -> {
                    // held by another node, late evaluations, dry runs: nothing this node did
                }
            }
        }
    }

    /** The processor reports are sent into: James refuses to start when it does not exist. */
    @Override
    public Collection<ProcessingState> requiredProcessingState() {
        return configuration == null ? List.of() : List.of(new ProcessingState(configuration.processor()));
    }

    /** Report mails pass through untouched: this mailet works on its own schedule. */
    @Override
    public void service(Mail mail) {
        // nothing: see the class comment
    }

    @Override
    public void destroy() {
        scheduler.ifPresent(ReportScheduler::close);
        scheduler = Optional.empty();
        if (database != null) {
            database.close();
        }
    }

    @Override
    public String getMailetInfo() {
        return "james-dmarc: sends the DMARC aggregate reports (RFC 9990) of the evaluations DmarcEvaluate recorded";
    }
}
