package io.jamesdmarc.mailets.outbound.aggregate;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import org.apache.james.core.MailAddress;
import org.apache.mailet.MailetContext;
import org.apache.mailet.MailetException;

import io.jamesdmarc.mailets.settings.DmarcSettings;
import io.jamesdmarc.model.aggregate.ReportFormat;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.outbound.ReporterIdentity;
import io.jamesdmarc.model.outbound.SendFrequency;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.storage.DatabaseConfig;
import io.jamesdmarc.storage.outbound.ReportingSettings;

/**
 * The settings of {@code DmarcAggregateReporter}, read and checked once in {@code init()}: each an init
 * parameter or a key of {@code conf/dmarc.properties}.
 *
 * @param dkimSignDomain the domain the sample's {@code DKIMSign} signs reports for; the From domain
 *     must align with it, or the reports fail DMARC themselves
 * @param processor the processor report mails are sent into
 * @param retention how long reported evaluations are kept
 * @param checkInterval how often the scheduler looks for reports due
 */
public record AggregateReporterConfiguration(ReportingSettings reporting,
                                             SendFrequency frequency,
                                             String dkimSignDomain,
                                             String processor,
                                             Duration retention,
                                             Duration checkInterval,
                                             DnsSettings dns,
                                             DiscoveryMethod discovery,
                                             DatabaseConfig database) {

    public static final String FROM_NAME = "aggregateFromName";
    public static final String FROM_ADDRESS = "aggregateFromAddress";
    public static final String SUBJECT = "aggregateSubject";
    public static final String ORG_NAME = "aggregateOrgName";
    public static final String CONTACT_INFO = "aggregateContactInfo";
    public static final String SEND_FREQUENCY = "aggregateSendFrequency";
    public static final String MAX_REPORT_SIZE = "aggregateMaxReportSize";
    public static final String DKIM_SIGN_DOMAIN = "aggregateDkimSignDomain";
    public static final String PROCESSOR = "aggregateProcessor";
    public static final String FORMAT = "aggregateFormat";
    public static final String RETENTION_DAYS = "aggregateRetentionDays";
    public static final String SEND_DELAY_SECONDS = "aggregateSendDelaySeconds";
    public static final String CHECK_INTERVAL_SECONDS = "aggregateCheckIntervalSeconds";
    /** Shared with {@code DmarcEvaluate}: how Organizational Domains are found (treewalk or psl). */
    public static final String DISCOVERY = "discovery";

    public static final String DEFAULT_PROCESSOR = "dmarc-reports";
    public static final int DEFAULT_RETENTION_DAYS = 7;
    public static final int DEFAULT_CHECK_INTERVAL_SECONDS = 300;
    public static final List<String> FORMATS = List.of("rfc9990", "rfc7489");

    /** Every init parameter the reporter takes. */
    public static Set<String> keys() {
        Set<String> keys = new HashSet<>(List.of(FROM_NAME, FROM_ADDRESS, SUBJECT, ORG_NAME, CONTACT_INFO, SEND_FREQUENCY, MAX_REPORT_SIZE,
            DKIM_SIGN_DOMAIN, PROCESSOR, FORMAT, RETENTION_DAYS, SEND_DELAY_SECONDS, CHECK_INTERVAL_SECONDS, DISCOVERY));
        keys.addAll(DmarcSettings.DNS_KEYS);
        keys.addAll(DmarcSettings.DATABASE_KEYS);
        return keys;
    }

    /**
     * @param context for the server's default domain: the domain of James's postmaster
     * @throws MailetException a setting is invalid, naming it and where it was set
     */
    public static AggregateReporterConfiguration read(DmarcSettings settings, MailetContext context) throws MailetException {
        settings.requireKnownInitParameters(keys());
        String domain = serverDomain(context);
        String fromAddress = settings.value(FROM_ADDRESS).orElse(ReporterIdentity.DEFAULT_FROM_LOCAL_PART + "@" + domain);
        try {
            new InternetAddress(fromAddress, true);
            new MailAddress(fromAddress);
        } catch (AddressException e) {
            throw new MailetException(settings.mailetName() + ": " + FROM_ADDRESS + " must be a mail address, was '" + fromAddress + "' ("
                + settings.source(FROM_ADDRESS) + ")", e);
        }
        String fromDomain = fromAddress.substring(fromAddress.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        String signDomain = settings.value(DKIM_SIGN_DOMAIN).orElse(domain).toLowerCase(Locale.ROOT);
        ReporterIdentity identity = new ReporterIdentity(domain, settings.value(ORG_NAME).orElse(domain),
            settings.value(FROM_NAME).orElse(ReporterIdentity.DEFAULT_FROM_NAME), fromAddress,
            settings.value(SUBJECT).orElse(ReporterIdentity.DEFAULT_SUBJECT), settings.value(CONTACT_INFO), ReporterIdentity.GENERATOR);
        SendFrequency frequency = SendFrequency.of(settings.choice(SEND_FREQUENCY, SendFrequency.DAILY.token(), SendFrequency.tokens()))
            .orElseThrow();
        long maxSize = settings.number(MAX_REPORT_SIZE, ReportingSettings.DEFAULT_MAX_REPORT_SIZE,
            io.jamesdmarc.model.outbound.AggregateReportParts.MIN_LIMIT, Integer.MAX_VALUE);
        ReportFormat format = settings.choice(FORMAT, "rfc9990", FORMATS).equals("rfc7489") ? ReportFormat.RFC7489 : ReportFormat.RFC9990;
        Duration sendDelay = Duration.ofSeconds(settings.number(SEND_DELAY_SECONDS, ReportingSettings.DEFAULT_SEND_DELAY.toSeconds(), 0,
            7 * 86_400));
        Duration retention = Duration.ofDays(settings.number(RETENTION_DAYS, DEFAULT_RETENTION_DAYS, 1, 3650));
        Duration interval = Duration.ofSeconds(settings.number(CHECK_INTERVAL_SECONDS, DEFAULT_CHECK_INTERVAL_SECONDS, 1, 86_400));
        String processor = settings.value(PROCESSOR).orElse(DEFAULT_PROCESSOR);
        String discoveryToken = settings.choice(DISCOVERY, DiscoveryMethod.TREEWALK.token(),
            Arrays.stream(DiscoveryMethod.values()).map(DiscoveryMethod::token).toList());
        DiscoveryMethod discovery = Arrays.stream(DiscoveryMethod.values()).filter(m -> m.token().equals(discoveryToken)).findFirst()
            .orElseThrow();
        ReportingSettings reporting = ReportingSettings.defaults(identity, owner(settings.mailetName())).withFormat(format)
            .withMaxReportSize(maxSize).withSendDelay(sendDelay);
        if (!aligned(fromDomain, signDomain)) {
            throw new MailetException(settings.mailetName() + ": the reports' From domain " + fromDomain + " (" + settings.source(FROM_ADDRESS)
                + ") does not align with " + DKIM_SIGN_DOMAIN + " " + signDomain + " (" + settings.source(DKIM_SIGN_DOMAIN)
                + "): the reports would fail DMARC themselves");
        }
        return new AggregateReporterConfiguration(reporting, frequency, signDomain, processor, retention, interval, settings.dnsSettings(),
            discovery, settings.database());
    }

    /** Relaxed alignment, without a public suffix list: one domain is the other or below it. */
    static boolean aligned(String fromDomain, String signDomain) {
        return fromDomain.equals(signDomain) || fromDomain.endsWith("." + signDomain) || signDomain.endsWith("." + fromDomain);
    }

    private static String serverDomain(MailetContext context) {
        MailAddress postmaster = context.getPostmaster();
        return postmaster == null ? "localhost" : postmaster.getDomain().asString().toLowerCase(Locale.ROOT);
    }

    /** Who claims reports, for {@code outbound_aggregate_reports.claim_owner}: host, process, mailet. */
    private static String owner(String mailetName) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        String owner = host + "/" + ManagementFactory.getRuntimeMXBean().getPid() + "/" + mailetName + "/"
            + Long.toHexString(System.nanoTime());
        return owner.length() > 255 ? owner.substring(0, 255) : owner;
    }

    /** The settings in a sentence, for the log line at start-up. */
    public String describe() {
        return frequency.token() + " reports (" + reporting.format().name() + ", at most " + reporting.maxReportSize()
            + " bytes each) from " + reporting.identity().fromAddress() + " into processor " + processor + ", signed for " + dkimSignDomain
            + "; reported evaluations kept " + retention.toDays() + " days";
    }
}
