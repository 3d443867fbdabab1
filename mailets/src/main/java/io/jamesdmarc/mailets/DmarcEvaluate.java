package io.jamesdmarc.mailets;

import java.io.IOException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.mail.MessagingException;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.apache.james.utils.PropertiesProvider;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.mailets.evaluate.EvaluateConfiguration;
import io.jamesdmarc.mailets.evaluate.MailEvaluator;
import io.jamesdmarc.mailets.evaluate.MailEvaluator.Outcome;
import io.jamesdmarc.mailets.evaluate.RecorderMetrics;
import io.jamesdmarc.mailets.outbound.OwnReportSenders;
import io.jamesdmarc.mailets.settings.DmarcDns;
import io.jamesdmarc.mailets.settings.DmarcSettings;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.storage.evaluation.EvaluationRecorder;
import io.jamesdmarc.storage.evaluation.RecorderSettings;

/**
 * Evaluates DMARC (RFC 9989) for each mail received from another domain's server, adds this
 * server's Authentication-Results header field (RFC 8601), writes the results into mail attributes
 * ({@link DmarcAttributes}) for the {@code IsDmarcDisposition} matcher and the mailets after it,
 * and records the evaluation for the aggregate (RFC 9990) and failure (RFC 9991) reports this
 * server sends.
 *
 * <p>For each mail:
 * <ul>
 * <li>DKIM: every signature (up to {@code maxSignatures}) is verified on the bytes James received,
 *     read without making James parse or re-write the message;</li>
 * <li>SPF: the result of James's {@code SPF} mailet when one ran before (attribute
 *     {@code org.apache.james.transport.mailets.spf.result}), else its own check of the MAIL FROM
 *     domain (or HELO name for a null reverse-path) from the SMTP client's address;</li>
 * <li>DMARC: the policy of each From domain (DNS tree walk, or the public suffix list), alignment,
 *     result and the disposition the Domain Owner asks; a DNS timeout or failure is
 *     {@code temperror}, never "no policy";</li>
 * <li>the header: every Authentication-Results field claiming this server's {@code authservId}
 *     is removed (anyone outside can write one), then this server's is added on top, e.g.
 *     <pre>
 * Authentication-Results: example.com;
 *     dkim=pass header.d=example.org header.s=sel header.a=rsa-sha256 header.b=AbCdEf12;
 *     spf=fail reason="example.org does not designate 192.0.2.25 as permitted sender" smtp.mailfrom=example.org;
 *     dmarc=pass (p=reject sp=reject dis=pass) header.from=example.org polrec.p=reject</pre></li>
 * <li>the disposition applied, by {@code enforcement}: {@code monitor} (the default: nothing is
 *     quarantined nor rejected), {@code quarantine} (reject is applied as quarantine) or
 *     {@code enforce}. The mailet does not route the mail: matchers do
 *     ({@code io.jamesdmarc.matchers.IsDmarcDisposition=reject}, {@code =quarantine}), reading
 *     the applied disposition. The recorded evaluation says what was applied, with the
 *     {@code local_policy} reason where it is not what the policy asks, so the aggregate reports
 *     this server sends tell the Domain Owner what was done. The sample configuration has the
 *     matchers for every {@code enforcement}.</li>
 * <li>the evaluation is recorded in the DMARC database without waiting for it: queued, stored in
 *     batches, kept in a local spool while the database is down or slow and stored when it is
 *     back. Recording never delays, fails nor changes the mail. A mail James hands over again (a
 *     retry, a reprocessing) is recorded once: the record's id comes from James's mail name.</li>
 * </ul>
 *
 * <p>Not evaluated (no header, no attributes, nothing recorded): mail of this server's own users
 * and mailets, by the rules of James's own {@code relay-allowed} matcher (SMTP AUTH, a client in
 * {@code authorizedAddresses}, sent by a mailet or with JMAP), and the reports james-dmarc sends
 * (attribute {@link DmarcAttributes#OUTBOUND_REPORT}). Mail whose MAIL FROM is one of our domains
 * is evaluated: that is what spoofers use. One of our own reports that comes back in over SMTP (its
 * envelope sender is {@code aggregateFromAddress}) and passes DMARC is evaluated but not recorded: no
 * report about reports. An evaluation that fails unexpectedly lets the mail go
 * on unevaluated (logged, counted): a DMARC check never loses mail.
 *
 * <pre>{@code
 * <mailet match="All" class="io.jamesdmarc.mailets.DmarcEvaluate">
 *     <!-- monitor (default) | quarantine | enforce -->
 *     <enforcement>enforce</enforcement>
 *     <!-- all optional; the database and DNS settings usually live in conf/dmarc.properties -->
 *     <authservId>mx.example.com</authservId>
 *     <dns.servers>127.0.0.1</dns.servers>
 * </mailet>
 * <mailet match="io.jamesdmarc.matchers.IsDmarcDisposition=reject" class="ToProcessor">
 *     <processor>dmarc-rejected</processor>
 * </mailet>
 * }</pre>
 *
 * <p>Parameters (init parameters; each may also be set in {@code conf/dmarc.properties}):
 * <ul>
 * <li>{@code enforcement}: {@code monitor}, {@code quarantine} or {@code enforce}. Default {@code monitor}.</li>
 * <li>{@code authservId}: this server's name in Authentication-Results. Default: the domain of
 *     James's postmaster address (its default domain).</li>
 * <li>{@code dns.servers} (default: the system's resolvers), {@code dns.timeoutMillis} (3000),
 *     {@code dns.attempts} (2), {@code dns.cacheSize} (10000): see {@link DmarcSettings#dnsSettings()}.</li>
 * <li>{@code discovery}: {@code treewalk} (RFC 9989, default) or {@code psl} (RFC 7489).</li>
 * <li>{@code maxAuthorDomains} (4), {@code maxSignatures} (8): the most From domains and DKIM
 *     signatures evaluated per message.</li>
 * <li>{@code recording}: whether evaluations are recorded (default {@code true}); with
 *     {@code false} no database is needed.</li>
 * <li>{@code db.url} (required when recording), {@code db.user}, {@code db.password},
 *     {@code db.poolSize}: the DMARC database.</li>
 * <li>{@code evaluations.spoolDirectory} (default {@value EvaluateConfiguration#DEFAULT_SPOOL_DIRECTORY},
 *     under James's folder), {@code evaluations.queueCapacity}, {@code evaluations.batchSize},
 *     {@code evaluations.batchDelayMillis}, {@code evaluations.writerThreads}, {@code evaluations.spoolFileMegabytes},
 *     {@code evaluations.retrySeconds}, {@code evaluations.closeTimeoutSeconds}: see {@link RecorderSettings}.</li>
 * </ul>
 * Bad configuration stops James at start-up with a message naming the parameter. A database that is
 * down at start-up does not: evaluations are spooled until it is back.
 *
 * <p>Metrics: {@code dmarcEvaluationsPass}, {@code ...Fail}, {@code ...None}, {@code ...Temperror},
 * {@code ...Permerror} (one per result), {@value #METRIC_SKIPPED} (not inbound), {@value #METRIC_ERRORS},
 * {@value #METRIC_QUARANTINED}, {@value #METRIC_REJECTED} (dispositions applied), the timer
 * {@value #METRIC_TIME}, and the recorder's ({@link RecorderMetrics}: recorded, spooled, replayed,
 * kept aside, dropped). One INFO line per evaluated mail.
 *
 * <p>One instance serves every spool thread: {@link #service} keeps no state between mails.
 */
public class DmarcEvaluate extends GenericMailet {

    public static final String METRIC_RESULT_PREFIX = "dmarcEvaluations";
    public static final String METRIC_SKIPPED = "dmarcEvaluationsSkipped";
    public static final String METRIC_ERRORS = "dmarcEvaluationErrors";
    public static final String METRIC_QUARANTINED = "dmarcDispositionQuarantine";
    public static final String METRIC_REJECTED = "dmarcDispositionReject";
    public static final String METRIC_TIME = "dmarcEvaluationTime";

    private static final Logger LOGGER = LoggerFactory.getLogger(DmarcEvaluate.class);

    private final MetricFactory metricFactory;
    private final PropertiesProvider propertiesProvider;
    private final FileSystem fileSystem;
    private final Clock clock;

    private EvaluateConfiguration configuration;
    private MailEvaluator evaluator;
    private Optional<EvaluationRecorder> recorder = Optional.empty();
    private OwnReportSenders ownReports;
    private final Map<DmarcResult, Metric> results = new EnumMap<>(DmarcResult.class);
    private Metric skipped;
    private Metric errors;
    private Metric quarantined;
    private Metric rejected;

    @Inject
    public DmarcEvaluate(MetricFactory metricFactory, PropertiesProvider propertiesProvider, FileSystem fileSystem) {
        this(metricFactory, propertiesProvider, fileSystem, Clock.systemUTC());
    }

    DmarcEvaluate(MetricFactory metricFactory, PropertiesProvider propertiesProvider, FileSystem fileSystem, Clock clock) {
        this.metricFactory = metricFactory;
        this.propertiesProvider = propertiesProvider;
        this.fileSystem = fileSystem;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        DmarcSettings settings = DmarcSettings.load(propertiesProvider, getMailetConfig());
        configuration = EvaluateConfiguration.read(settings, getMailetContext(), fileSystem);
        ownReports = OwnReportSenders.read(settings, getMailetContext());
        if (!configuration.authservId().contains(".")) {
            LOGGER.warn("{}: the authserv-id '{}' is not a domain name: set authservId to this server's host name or mail domain",
                settings.mailetName(), configuration.authservId());
        }
        evaluator = new MailEvaluator(DmarcDns.resolver(configuration.dns()), configuration, clock);
        skipped = metricFactory.generate(METRIC_SKIPPED);
        errors = metricFactory.generate(METRIC_ERRORS);
        quarantined = metricFactory.generate(METRIC_QUARANTINED);
        rejected = metricFactory.generate(METRIC_REJECTED);
        for (DmarcResult result : DmarcResult.values()) {
            results.put(result, metricFactory.generate(resultMetric(result)));
        }
        if (configuration.recording()) {
            RecorderSettings recorderSettings = configuration.recorder().orElseThrow();
            try {
                recorder = Optional.of(EvaluationRecorder.shared(configuration.database().orElseThrow(), recorderSettings,
                    new RecorderMetrics(metricFactory)));
            } catch (IOException e) {
                throw new MailetException(settings.mailetName() + ": cannot use the evaluation spool directory "
                    + recorderSettings.spoolDirectory() + " (" + settings.source(RecorderSettings.KEY_SPOOL_DIRECTORY) + "): "
                    + e.getMessage(), e);
            }
        }
        LOGGER.info("{} ready: enforcement={}, authservId={}, DNS {} (timeout {} ms, {} attempts), discovery {}, {}", settings.mailetName(),
            configuration.enforcement().token(), configuration.authservId(), configuration.dns().servers(),
            configuration.dns().timeout().toMillis(), configuration.dns().attempts(),
            configuration.evaluation().discoveryMethod().token(),
            configuration.recording()
                ? "recording into " + configuration.database().orElseThrow().redactedUrl() + ", spool "
                    + configuration.recorder().orElseThrow().spoolDirectory()
                : "not recording");
    }

    @Override
    public void service(Mail mail) {
        TimeMetric time = metricFactory.timer(METRIC_TIME);
        try {
            Outcome outcome = evaluator.evaluate(mail);
            switch (outcome) {
                case Outcome.NotInbound notInbound -> {
                    skipped.increment();
                    LOGGER.debug("DMARC not evaluated for mail {}: {}", mail.getName(), notInbound.reason());
                }
                case Outcome.Failed failed -> {
                    errors.increment();
                    LOGGER.warn("DMARC not evaluated for mail {} from {}: {}; the mail goes on unevaluated", mail.getName(),
                        mail.getRemoteAddr(), failed.reason(), failed.error().orElse(null));
                }
                case Outcome.Evaluated evaluated -> {
                    EvaluationRecord record = evaluated.record();
                    Optional<String> recordedAs = record(mail, record);
                    evaluator.writeAttributes(mail, evaluated, recordedAs);
                    count(record.result(), evaluated.applied());
                    LOGGER.info("DMARC {} for mail {} {} from {}: {}; {}", record.result().token(), mail.getName(),
                        record.messageId().orElse("(no Message-ID)"), record.sourceIp().text(), evaluated.describe(),
                        recordedAs.map(id -> "evaluation " + id).orElse("not recorded"));
                }
            }
        } finally {
            time.stopAndPublish();
        }
    }

    /** Hands the record to the recorder, never failing the mail for it. */
    private Optional<String> record(Mail mail, EvaluationRecord record) {
        if (recorder.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> ownReport = ownReports.notRecordedBecause(mail, record.result());
        if (ownReport.isPresent()) {
            LOGGER.debug("DMARC evaluation of mail {} not recorded: {}", mail.getName(), ownReport.get());
            return Optional.empty();
        }
        try {
            recorder.get().record(record);
            return Optional.of(record.id());
        } catch (RuntimeException e) {
            LOGGER.warn("DMARC evaluation of mail {} not recorded: {}", mail.getName(), e.getMessage(), e);
            return Optional.empty();
        }
    }

    private void count(DmarcResult result, Disposition applied) {
        results.get(result).increment();
        if (applied == Disposition.QUARANTINE) {
            quarantined.increment();
        } else if (applied == Disposition.REJECT) {
            rejected.increment();
        }
    }

    /** {@code dmarcEvaluationsPass}, {@code dmarcEvaluationsFail}... */
    public static String resultMetric(DmarcResult result) {
        String token = result.token();
        return METRIC_RESULT_PREFIX + token.substring(0, 1).toUpperCase(Locale.ROOT) + token.substring(1);
    }

    @Override
    public void destroy() {
        recorder.ifPresent(EvaluationRecorder::close);
        recorder = Optional.empty();
    }

    @Override
    public String getMailetInfo() {
        return "james-dmarc: evaluates DMARC for inbound mail, adds Authentication-Results, records the evaluation";
    }
}
