package io.jamesdmarc.mailets;

import java.sql.SQLException;
import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.mail.MessagingException;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.utils.PropertiesProvider;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.mailets.receive.Receipt;
import io.jamesdmarc.mailets.receive.ReportMailAuthentication;
import io.jamesdmarc.mailets.receive.ReportMailIdentity;
import io.jamesdmarc.mailets.receive.ReportMailIngester;
import io.jamesdmarc.mailets.settings.DmarcDatabase;
import io.jamesdmarc.mailets.settings.DmarcSettings;
import io.jamesdmarc.model.unpack.ReportExtractor;
import io.jamesdmarc.storage.ingest.IngestOutcome;

/**
 * Stores the DMARC reports other mail providers send to your rua and ruf addresses: every aggregate
 * (RFC 7489, RFC 9990) and failure (RFC 6591, RFC 9991, plain-text notices) report a mail carries, in
 * any attachment or container, in the DMARC database, each exactly once however often it arrives,
 * however often James retries the mail and however many James nodes share the database.
 *
 * <p>Each report is linked to the mail that brought it: its Message-ID, envelope sender and
 * recipients, when James received it, the SMTP client's address, and how the mail authenticated as
 * James saw it (see {@link ReportMailAuthentication}: james-dmarc's own evaluation, James's
 * {@code DKIMVerify} and {@code SPF} mailets, or an Authentication-Results field of a trusted host),
 * so that reports that could be forged can be told from those that could not. Put those mailets
 * before this one.
 *
 * <p>What happens to the mail:
 * <ul>
 * <li>every report stored (or found stored before): it goes on down the processor
 *     ({@code passThrough} true, the default: it reaches the mailbox too), or stops here
 *     ({@code passThrough} false);</li>
 * <li>no report in it, or a part that could not be read: its bytes are kept with the reason (the
 *     {@code rejected_inputs} table), whatever was readable is stored, and the mail goes on to
 *     {@code unparseableProcessor} (default: on down this processor), so that a person sees it;</li>
 * <li>the database cannot be reached: the mailet throws, and James's {@code onMailetException}
 *     decides. Use {@code propagate}: James retries the mail, then keeps it in its error
 *     repository (to reprocess once the database is back). The default, {@code error}, sends the
 *     mail to the error processor, whose default configuration bounces it to the reporter. A mail
 *     is never dropped before its reports are stored.</li>
 * </ul>
 * James starts when the database is down (it is tried again with each mail); bad configuration
 * (no {@code db.url}, a bad number, an unknown processor or parameter) stops it with a message
 * naming the parameter.
 *
 * <pre>{@code
 * <mailet match="RecipientIs=dmarc-rua@example.com,dmarc-ruf@example.com"
 *         class="io.jamesdmarc.mailets.DmarcReportReceiver">
 *     <onMailetException>propagate</onMailetException>
 *     <!-- all optional; the database settings usually live in conf/dmarc.properties -->
 *     <passThrough>true</passThrough>
 *     <unparseableProcessor>transport</unparseableProcessor>
 *     <trustedAuthservIds>mx.example.com</trustedAuthservIds>
 * </mailet>
 * }</pre>
 *
 * <p>Parameters (init parameters; each may also be set in {@code conf/dmarc.properties}, shared by
 * all the plugin's mailets, and an init parameter overrides the file):
 * <ul>
 * <li>{@code passThrough}: whether a mail whose reports are all stored goes on down the processor. Default {@code true}.</li>
 * <li>{@code unparseableProcessor}: the processor a mail goes to when it holds no report, or a part
 *     that could not be read. Default: none, the mail goes on down this processor.</li>
 * <li>{@code trustedAuthservIds}: comma-separated authserv-ids of the hosts whose
 *     Authentication-Results fields are believed (your own MX or filter). Default: none.</li>
 * <li>{@code db.url} (required), {@code db.user} (default empty), {@code db.password} (default
 *     empty), {@code db.poolSize} (default 10): the DMARC database, see {@link DmarcSettings#database()}.</li>
 * <li>the limits on hostile input, defaults as {@link io.jamesdmarc.model.ParseLimits#DEFAULTS}:
 *     {@code maxDecompressedBytes} (536870912), {@code maxCompressionRatio} (100), {@code maxZipEntries}
 *     (64), {@code maxMimeDepth} (10), {@code maxMimeParts} (500), {@code maxXmlDepth} (64),
 *     {@code maxXmlTextLength} (1048576), {@code maxRecords} (1000000).</li>
 * </ul>
 *
 * <p>Metrics (James's {@link MetricFactory}): {@value #METRIC_STORED}, {@value #METRIC_DUPLICATES},
 * {@value #METRIC_UNPARSEABLE} (mails kept as rejected input), {@value #METRIC_STORE_ERRORS} (mails
 * failed for James to retry). One INFO line per mail says what became of each report.
 *
 * <p>One instance serves every spool thread: {@link #service} keeps no state between mails.
 */
public class DmarcReportReceiver extends GenericMailet {

    public static final String PASS_THROUGH = "passThrough";
    public static final String UNPARSEABLE_PROCESSOR = "unparseableProcessor";
    public static final String TRUSTED_AUTHSERV_IDS = "trustedAuthservIds";
    public static final boolean DEFAULT_PASS_THROUGH = true;

    public static final String METRIC_STORED = "dmarcReportsStored";
    public static final String METRIC_DUPLICATES = "dmarcReportsDuplicate";
    public static final String METRIC_UNPARSEABLE = "dmarcReportMailsUnparseable";
    public static final String METRIC_STORE_ERRORS = "dmarcReportStoreErrors";

    private static final Logger LOGGER = LoggerFactory.getLogger(DmarcReportReceiver.class);

    private final MetricFactory metricFactory;
    private final PropertiesProvider propertiesProvider;
    private final Clock clock;

    private boolean passThrough;
    private Optional<String> unparseableProcessor = Optional.empty();
    private DmarcDatabase database;
    private ReportMailIngester ingester;
    private Metric stored;
    private Metric duplicates;
    private Metric unparseable;
    private Metric storeErrors;

    @Inject
    public DmarcReportReceiver(MetricFactory metricFactory, PropertiesProvider propertiesProvider) {
        this(metricFactory, propertiesProvider, Clock.systemUTC());
    }

    DmarcReportReceiver(MetricFactory metricFactory, PropertiesProvider propertiesProvider, Clock clock) {
        this.metricFactory = metricFactory;
        this.propertiesProvider = propertiesProvider;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        DmarcSettings settings = DmarcSettings.load(propertiesProvider, getMailetConfig());
        Set<String> known = new HashSet<>(List.of(PASS_THROUGH, UNPARSEABLE_PROCESSOR, TRUSTED_AUTHSERV_IDS));
        known.addAll(DmarcSettings.DATABASE_KEYS);
        known.addAll(DmarcSettings.PARSE_LIMIT_KEYS);
        settings.requireKnownInitParameters(known);

        passThrough = settings.flag(PASS_THROUGH, DEFAULT_PASS_THROUGH);
        unparseableProcessor = settings.value(UNPARSEABLE_PROCESSOR);
        if (unparseableProcessor.filter(Mail.GHOST::equals).isPresent()) {
            throw new MailetException(settings.mailetName() + ": " + UNPARSEABLE_PROCESSOR + " must not be " + Mail.GHOST
                + ": a mail whose reports could not be read must reach a person");
        }
        ReportMailAuthentication authentication = new ReportMailAuthentication(Set.copyOf(settings.list(TRUSTED_AUTHSERV_IDS)));
        ingester = new ReportMailIngester(new ReportExtractor(settings.parseLimits()),
            new ReportMailIdentity(authentication, clock));

        stored = metricFactory.generate(METRIC_STORED);
        duplicates = metricFactory.generate(METRIC_DUPLICATES);
        unparseable = metricFactory.generate(METRIC_UNPARSEABLE);
        storeErrors = metricFactory.generate(METRIC_STORE_ERRORS);

        database = new DmarcDatabase(settings.database(), settings.mailetName());
        database.tryOpen();
        LOGGER.info("{} ready: database {}, passThrough={}, unparseableProcessor={}, trustedAuthservIds={}", settings.mailetName(),
            database.config().redactedUrl(), passThrough, unparseableProcessor.orElse("(none: the mail goes on)"),
            settings.list(TRUSTED_AUTHSERV_IDS));
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Receipt receipt;
        try {
            receipt = database.call(open -> ingester.ingest(mail, open.reportStore()));
        } catch (SQLException e) {
            storeErrors.increment();
            LOGGER.warn("DMARC report mail {} ({}) NOT stored, left to James to retry: {}", mail.getName(), messageId(mail),
                e.getMessage());
            throw new MessagingException("DMARC report mail " + mail.getName() + " not stored: " + e.getMessage(), e);
        }
        stored.add((int) receipt.count(IngestOutcome.Status.STORED));
        duplicates.add((int) receipt.count(IngestOutcome.Status.DUPLICATE));
        String next;
        if (receipt.rejected().isPresent()) {
            unparseable.increment();
            unparseableProcessor.ifPresent(mail::setState);
            next = unparseableProcessor.map(processor -> "mail sent to processor " + processor).orElse("mail goes on");
        } else if (passThrough) {
            next = "mail goes on";
        } else {
            mail.setState(Mail.GHOST);
            next = "mail consumed";
        }
        LOGGER.info("DMARC report mail {} {} from {}: {}; {}", mail.getName(), messageId(mail),
            mail.getMaybeSender().asString("<>"), receipt.describe(), next);
    }

    @Override
    public Collection<ProcessingState> requiredProcessingState() {
        return unparseableProcessor.map(ProcessingState::new).stream().toList();
    }

    @Override
    public void destroy() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    public String getMailetInfo() {
        return "james-dmarc: stores the DMARC aggregate and failure reports a mail carries";
    }

    private static String messageId(Mail mail) {
        try {
            String id = mail.getMessage().getMessageID();
            return id == null ? "(no Message-ID)" : id;
        } catch (MessagingException e) {
            return "(Message-ID unreadable)";
        }
    }
}
