package io.jamesdmarc.mailets.evaluate;

import java.io.File;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.mailet.MailetContext;
import org.apache.mailet.MailetException;

import io.jamesdmarc.mailets.settings.DmarcSettings;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.evaluation.EvaluationSettings;
import io.jamesdmarc.model.evaluation.auth.AuthenticationResults;
import io.jamesdmarc.model.evaluation.auth.DkimVerifier;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.storage.DatabaseConfig;
import io.jamesdmarc.storage.evaluation.RecorderSettings;

/**
 * {@code DmarcEvaluate}'s configuration, read and checked from its init parameters and
 * {@code conf/dmarc.properties} ({@link DmarcSettings}).
 *
 * @param authservId this server's name in Authentication-Results
 * @param enforcement how far the policies' dispositions are applied
 * @param dns where DNS questions go
 * @param evaluation policy discovery and the most Author Domains evaluated
 * @param maxSignatures the most DKIM signatures verified per message
 * @param database the DMARC database, when evaluations are recorded
 * @param recorder how evaluations are queued and spooled, when recorded
 */
public record EvaluateConfiguration(String authservId,
                                    Enforcement enforcement,
                                    DnsSettings dns,
                                    EvaluationSettings evaluation,
                                    int maxSignatures,
                                    Optional<DatabaseConfig> database,
                                    Optional<RecorderSettings> recorder) {

    public static final String AUTHSERV_ID = "authservId";
    public static final String ENFORCEMENT = "enforcement";
    public static final String DISCOVERY = "discovery";
    public static final String MAX_AUTHOR_DOMAINS = "maxAuthorDomains";
    public static final String MAX_SIGNATURES = "maxSignatures";
    public static final String RECORDING = "recording";

    public static final Enforcement DEFAULT_ENFORCEMENT = Enforcement.MONITOR;
    /** Where evaluations wait while the database is away: James's own {@code var/} folder. */
    public static final String DEFAULT_SPOOL_DIRECTORY = FileSystem.FILE_PROTOCOL_AND_VAR + "james-dmarc/evaluation-spool";

    /** The recorder's settings (see {@link RecorderSettings}), shared by every mailet that records. */
    public static final List<String> RECORDER_KEYS = List.of(RecorderSettings.KEY_SPOOL_DIRECTORY, RecorderSettings.KEY_QUEUE_CAPACITY,
        RecorderSettings.KEY_BATCH_SIZE, RecorderSettings.KEY_BATCH_DELAY_MILLIS, RecorderSettings.KEY_WRITER_THREADS,
        RecorderSettings.KEY_SPOOL_FILE_MEGABYTES, RecorderSettings.KEY_RETRY_SECONDS, RecorderSettings.KEY_CLOSE_TIMEOUT_SECONDS);

    /** Every init parameter {@code DmarcEvaluate} takes. */
    public static Set<String> keys() {
        Set<String> keys = new HashSet<>(List.of(AUTHSERV_ID, ENFORCEMENT, DISCOVERY, MAX_AUTHOR_DOMAINS, MAX_SIGNATURES, RECORDING));
        keys.addAll(DmarcSettings.DNS_KEYS);
        keys.addAll(DmarcSettings.DATABASE_KEYS);
        keys.addAll(RECORDER_KEYS);
        return keys;
    }

    /**
     * Reads and checks every setting; nothing is connected.
     *
     * @param context for the default authserv-id: the domain of James's postmaster (its default domain)
     * @param fileSystem James's folders: a relative spool directory is in James's folder
     * @throws MailetException a setting is invalid; the message names it and where it was set
     */
    public static EvaluateConfiguration read(DmarcSettings settings, MailetContext context, FileSystem fileSystem) throws MailetException {
        settings.requireKnownInitParameters(keys());
        String authservId = settings.value(AUTHSERV_ID).orElseGet(() -> defaultAuthservId(context));
        try {
            new AuthenticationResults(authservId);
        } catch (IllegalArgumentException e) {
            throw new MailetException(settings.mailetName() + ": " + AUTHSERV_ID + " must be a host name (" + e.getMessage() + ") ("
                + settings.source(AUTHSERV_ID) + ")", e);
        }
        Enforcement enforcement = Enforcement.of(settings.choice(ENFORCEMENT, DEFAULT_ENFORCEMENT.token(), Enforcement.tokens()));
        String discoveryToken = settings.choice(DISCOVERY, DiscoveryMethod.TREEWALK.token(),
            Arrays.stream(DiscoveryMethod.values()).map(DiscoveryMethod::token).toList());
        DiscoveryMethod discovery = Arrays.stream(DiscoveryMethod.values()).filter(m -> m.token().equals(discoveryToken)).findFirst()
            .orElseThrow();
        EvaluationSettings evaluation = EvaluationSettings.DEFAULTS.withDiscoveryMethod(discovery)
            .withMaxAuthorDomains((int) settings.number(MAX_AUTHOR_DOMAINS, EvaluationSettings.DEFAULT_MAX_AUTHOR_DOMAINS, 1, 100));
        int maxSignatures = (int) settings.number(MAX_SIGNATURES, DkimVerifier.DEFAULT_MAX_SIGNATURES, 1, 100);
        DnsSettings dns = settings.dnsSettings();

        if (!settings.flag(RECORDING, true)) {
            return new EvaluateConfiguration(authservId, enforcement, dns, evaluation, maxSignatures, Optional.empty(), Optional.empty());
        }
        return new EvaluateConfiguration(authservId, enforcement, dns, evaluation, maxSignatures, Optional.of(settings.database()),
            Optional.of(recorder(settings, fileSystem)));
    }

    public boolean recording() {
        return database.isPresent();
    }

    private static String defaultAuthservId(MailetContext context) {
        MailAddress postmaster = context.getPostmaster();
        return postmaster == null ? "localhost" : postmaster.getDomain().asString();
    }

    private static RecorderSettings recorder(DmarcSettings settings, FileSystem fileSystem) throws MailetException {
        Properties properties = new Properties();
        for (String key : RECORDER_KEYS) {
            settings.value(key).ifPresent(value -> properties.setProperty(key, value));
        }
        properties.setProperty(RecorderSettings.KEY_SPOOL_DIRECTORY, spoolDirectory(settings, fileSystem).toString());
        try {
            return RecorderSettings.fromProperties(properties);
        } catch (IllegalArgumentException e) {
            String key = RECORDER_KEYS.stream().filter(k -> e.getMessage() != null && e.getMessage().startsWith(k)).findFirst()
                .orElse(RecorderSettings.KEY_SPOOL_DIRECTORY);
            throw new MailetException(settings.mailetName() + ": " + e.getMessage() + " (" + settings.source(key) + ")", e);
        }
    }

    /**
     * The spool directory: a James URL ({@code file://var/...}, relative to James's folder;
     * {@code file:///...}, absolute), an absolute path, or a path relative to James's folder.
     */
    private static Path spoolDirectory(DmarcSettings settings, FileSystem fileSystem) throws MailetException {
        String key = RecorderSettings.KEY_SPOOL_DIRECTORY;
        String value = settings.value(key).orElse(DEFAULT_SPOOL_DIRECTORY);
        if (!value.contains("://") && Path.of(value).isAbsolute()) {
            return Path.of(value);
        }
        String url = value.contains("://") ? value : FileSystem.FILE_PROTOCOL + value;
        try {
            File file = fileSystem.getFile(url);
            return file.toPath().toAbsolutePath();
        } catch (FileNotFoundException | RuntimeException e) {
            throw new MailetException(settings.mailetName() + ": " + key + " '" + value + "' is not a folder James can resolve: "
                + e.getMessage() + " (" + settings.source(key) + ")", e);
        }
    }
}
