package io.jamesdmarc.mailets.outbound.failure;

import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import org.apache.james.core.MailAddress;
import org.apache.mailet.MailetContext;
import org.apache.mailet.MailetException;

import io.jamesdmarc.mailets.settings.DmarcSettings;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.failure.LocalPartRedaction;
import io.jamesdmarc.storage.DatabaseConfig;

/**
 * The settings of {@code DmarcFailureReporter}, read and checked once in {@code init()}: init
 * parameters over {@code conf/dmarc.properties}, as for every james-dmarc mailet.
 *
 * @param frequency the rate limit per destination address; empty: failure reports disabled
 * @param fromAddress the From (and MAIL FROM) of reports
 * @param dkimSignDomain the domain the {@code processor}'s DKIMSign signs with: {@code fromAddress}
 *     must be aligned with it, so that our reports pass DMARC themselves
 * @param processor where report mails are sent: a processor that signs them and delivers them
 * @param includeMessage whether reports include the whole message (when it was kept), not only its header
 * @param messageMaxBytes the largest message kept for that
 * @param redaction what of the addresses is hidden
 * @param pollInterval how often the database is read for reports due
 * @param batchSize reports claimed per read
 * @param decisionRetention how long the decisions ({@code failure_report_sends}) are kept
 */
public record FailureReporterConfiguration(Optional<FailureRateLimit> frequency,
                                           String fromName,
                                           String fromAddress,
                                           String subject,
                                           String dkimSignDomain,
                                           String processor,
                                           String authservId,
                                           boolean includeMessage,
                                           int messageMaxBytes,
                                           LocalPartRedaction redaction,
                                           Duration pollInterval,
                                           int batchSize,
                                           Duration decisionRetention,
                                           DatabaseConfig database,
                                           DnsSettings dns) {

    public static final String FROM_NAME = "failureFromName";
    public static final String FROM_ADDRESS = "failureFromAddress";
    public static final String SUBJECT = "failureSubject";
    public static final String SEND_FREQUENCY = "failureSendFrequency";
    public static final String DKIM_SIGN_DOMAIN = "failureDkimSignDomain";
    public static final String PROCESSOR = "failureProcessor";
    public static final String INCLUDE_MESSAGE = "failureIncludeMessage";
    public static final String MESSAGE_MAX_BYTES = "failureMessageMaxBytes";
    public static final String REDACT = "failureRedact";
    public static final String REDACTION_SECRET = "failureRedactionSecret";
    public static final String POLL_SECONDS = "failurePollSeconds";
    public static final String BATCH_SIZE = "failureBatchSize";
    public static final String DECISION_RETENTION_DAYS = "failureDecisionRetentionDays";
    public static final String AUTHSERV_ID = "authservId";

    public static final String DEFAULT_FROM_NAME = "Report Subsystem";
    public static final String DEFAULT_FROM_LOCAL_PART = "noreply-dmarc";
    public static final String DEFAULT_SUBJECT = "DMARC Authentication Failure Report";
    public static final String DEFAULT_PROCESSOR = "dmarc-reports";
    public static final LocalPartRedaction.Scope DEFAULT_REDACTION = LocalPartRedaction.Scope.RECIPIENTS;
    public static final int DEFAULT_POLL_SECONDS = 30;
    public static final int DEFAULT_BATCH_SIZE = 100;
    public static final int DEFAULT_DECISION_RETENTION_DAYS = 365;
    public static final int DEFAULT_MESSAGE_MAX_BYTES = 1024 * 1024;

    /** Every init parameter the mailet knows. */
    public static Set<String> knownKeys() {
        Set<String> keys = new HashSet<>(Set.of(FROM_NAME, FROM_ADDRESS, SUBJECT, SEND_FREQUENCY, DKIM_SIGN_DOMAIN, PROCESSOR,
            INCLUDE_MESSAGE, MESSAGE_MAX_BYTES, REDACT, REDACTION_SECRET, POLL_SECONDS, BATCH_SIZE, DECISION_RETENTION_DAYS, AUTHSERV_ID));
        keys.addAll(DmarcSettings.DATABASE_KEYS);
        keys.addAll(DmarcSettings.DNS_KEYS);
        return keys;
    }

    public FailureReporterConfiguration {
        Objects.requireNonNull(frequency, "frequency");
        Objects.requireNonNull(fromName, "fromName");
        Objects.requireNonNull(fromAddress, "fromAddress");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(dkimSignDomain, "dkimSignDomain");
        Objects.requireNonNull(processor, "processor");
        Objects.requireNonNull(authservId, "authservId");
        Objects.requireNonNull(redaction, "redaction");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(decisionRetention, "decisionRetention");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(dns, "dns");
    }

    /**
     * The settings, checked.
     *
     * @param context for the server's domain (James's postmaster's domain: its default domain)
     * @throws MailetException a setting is invalid; the message names it and where it was set
     */
    public static FailureReporterConfiguration read(DmarcSettings settings, MailetContext context) throws MailetException {
        settings.requireKnownInitParameters(knownKeys());
        String serverDomain = serverDomain(context);
        Optional<FailureRateLimit> frequency;
        String frequencyText = settings.value(SEND_FREQUENCY).orElse(null);
        try {
            frequency = frequencyText == null ? Optional.of(FailureRateLimit.DEFAULT) : FailureRateLimit.parse(frequencyText);
        } catch (IllegalArgumentException e) {
            throw invalid(settings, SEND_FREQUENCY, e.getMessage() + ", was '" + frequencyText + "'");
        }
        String fromAddress = settings.value(FROM_ADDRESS).orElse(DEFAULT_FROM_LOCAL_PART + "@" + serverDomain);
        String fromDomain;
        try {
            InternetAddress parsed = new InternetAddress(fromAddress, true);
            fromDomain = new MailAddress(parsed.getAddress()).getDomain().asString().toLowerCase(Locale.ROOT);
            fromAddress = parsed.getAddress();
        } catch (AddressException | RuntimeException e) {
            throw invalid(settings, FROM_ADDRESS, "must be a mail address (local@domain), was '" + fromAddress + "'");
        }
        String dkimDomain = settings.value(DKIM_SIGN_DOMAIN).orElse(serverDomain).toLowerCase(Locale.ROOT);
        if (!aligned(fromDomain, dkimDomain)) {
            throw invalid(settings, DKIM_SIGN_DOMAIN, "is " + dkimDomain + ", not aligned with the domain of " + FROM_ADDRESS + " ("
                + fromDomain + "): reports must pass DMARC themselves (RFC 9991), so sign them with the From domain "
                + "(or its parent) and give that domain here");
        }
        String redactText = settings.value(REDACT).orElse(DEFAULT_REDACTION.token());
        LocalPartRedaction.Scope scope = LocalPartRedaction.Scope.of(redactText)
            .orElseThrow(() -> invalid(settings, REDACT, "must be none, recipients or all, was '" + redactText + "'"));
        String processor = settings.value(PROCESSOR).orElse(DEFAULT_PROCESSOR);
        return new FailureReporterConfiguration(frequency,
            settings.value(FROM_NAME).orElse(DEFAULT_FROM_NAME),
            fromAddress,
            settings.value(SUBJECT).orElse(DEFAULT_SUBJECT),
            dkimDomain,
            processor,
            settings.value(AUTHSERV_ID).orElse(serverDomain),
            settings.flag(INCLUDE_MESSAGE, false),
            (int) settings.number(MESSAGE_MAX_BYTES, DEFAULT_MESSAGE_MAX_BYTES, 1024, 64L * 1024 * 1024),
            LocalPartRedaction.of(scope, settings.value(REDACTION_SECRET)),
            Duration.ofSeconds(settings.number(POLL_SECONDS, DEFAULT_POLL_SECONDS, 1, 86_400)),
            (int) settings.number(BATCH_SIZE, DEFAULT_BATCH_SIZE, 1, 10_000),
            Duration.ofDays(settings.number(DECISION_RETENTION_DAYS, DEFAULT_DECISION_RETENTION_DAYS, 1, 36_500)),
            settings.database(),
            settings.dnsSettings());
    }

    /** Relaxed alignment, without the DNS: the same domain, or one a parent of the other (RFC 9989). */
    static boolean aligned(String fromDomain, String dkimDomain) {
        return fromDomain.equals(dkimDomain) || fromDomain.endsWith("." + dkimDomain) || dkimDomain.endsWith("." + fromDomain);
    }

    private static String serverDomain(MailetContext context) {
        MailAddress postmaster = context.getPostmaster();
        return postmaster == null ? "localhost" : postmaster.getDomain().asString().toLowerCase(Locale.ROOT);
    }

    private static MailetException invalid(DmarcSettings settings, String key, String problem) {
        return new MailetException(settings.mailetName() + ": " + key + " " + problem + " (" + settings.source(key) + ")");
    }
}
