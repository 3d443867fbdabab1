package io.jamesdmarc.mailets.settings;

import java.io.FileNotFoundException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.utils.PropertiesProvider;
import org.apache.mailet.MailetConfig;
import org.apache.mailet.MailetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.base.Splitter;

import io.jamesdmarc.model.Limit;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.storage.DatabaseConfig;

/**
 * The settings of one of the plugin's mailets: its init parameters, over {@code conf/dmarc.properties},
 * the file all the plugin's mailets share (read with James's own {@link PropertiesProvider}, like
 * James's other {@code .properties} files). One key names a setting in both places:
 *
 * <pre>
 * # conf/dmarc.properties                        &lt;!-- mailetcontainer.xml: overrides the file for this mailet --&gt;
 * db.url = jdbc:mariadb://db:3306/dmarc          &lt;db.url&gt;jdbc:mariadb://db:3306/dmarc&lt;/db.url&gt;
 * db.poolSize = 10                               &lt;db.poolSize&gt;10&lt;/db.poolSize&gt;
 * maxRecords = 1000000                           &lt;maxRecords&gt;1000000&lt;/maxRecords&gt;
 * </pre>
 *
 * <p>James carries dotted element names such as {@code <db.url>} into {@code getInitParameter("db.url")}
 * unchanged. Values are trimmed, and both places expand {@code ${env:NAME}} and {@code ${sys:name}}
 * (commons-configuration), so a password can stay out of the files. In {@code dmarc.properties} James's
 * reader splits values at commas: a comma inside a value is written {@code \,}.
 *
 * <p>Every accessor validates and fails with a {@link MailetException} naming the setting and where
 * it was set, so a mailet's {@code init()} refuses bad configuration with a message an operator can act on.
 * Immutable once loaded; thread-safe.
 */
public final class DmarcSettings {

    /** {@code conf/dmarc.properties}, as {@link PropertiesProvider} names it. */
    public static final String PROPERTIES_FILE = "dmarc";
    private static final String FILE_DISPLAY_NAME = "conf/" + PROPERTIES_FILE + ".properties";

    /** The database settings every mailet that stores or reads reports takes (see {@link DatabaseConfig}). */
    public static final Set<String> DATABASE_KEYS = Set.of(DatabaseConfig.KEY_URL, DatabaseConfig.KEY_USER, DatabaseConfig.KEY_PASSWORD,
        DatabaseConfig.KEY_POOL_SIZE);
    /** The limits on hostile input every mailet that reads reports takes: {@link Limit#key()}. */
    public static final Set<String> PARSE_LIMIT_KEYS = Arrays.stream(Limit.values()).map(Limit::key)
        .collect(Collectors.toUnmodifiableSet());
    /** DNS servers for the plugin's DMARC, DKIM and SPF queries: comma-separated {@code host[:port]}; default: the system's resolvers. */
    public static final String KEY_DNS_SERVERS = "dns.servers";
    /** How long one DNS server has to answer one query, in milliseconds. */
    public static final String KEY_DNS_TIMEOUT_MILLIS = "dns.timeoutMillis";
    /** How often each DNS server is asked before a lookup is a temporary failure (temperror). */
    public static final String KEY_DNS_ATTEMPTS = "dns.attempts";
    /** DNS answers kept in the shared cache. */
    public static final String KEY_DNS_CACHE_SIZE = "dns.cacheSize";
    /** The DNS settings every mailet that asks DNS takes (see {@link #dnsSettings()}). */
    public static final Set<String> DNS_KEYS = Set.of(KEY_DNS_SERVERS, KEY_DNS_TIMEOUT_MILLIS, KEY_DNS_ATTEMPTS, KEY_DNS_CACHE_SIZE);

    /** What James itself reads from a mailet's configuration: never an unknown parameter. */
    private static final Set<String> JAMES_KEYS = Set.of("onMailetException", "onMatchException");

    private static final Logger LOGGER = LoggerFactory.getLogger(DmarcSettings.class);
    private static final Splitter LIST = Splitter.on(',').trimResults().omitEmptyStrings();
    /** A variable commons-configuration left as written: nothing by that name is set. */
    private static final Pattern UNRESOLVED = Pattern.compile("\\$\\{(env|sys):([^}]+)}");

    private final String mailetName;
    private final MailetConfig initParameters;
    private final Optional<Configuration> file;

    private DmarcSettings(String mailetName, MailetConfig initParameters, Optional<Configuration> file) {
        this.mailetName = mailetName;
        this.initParameters = initParameters;
        this.file = file;
    }

    /**
     * The settings of the mailet configured by {@code config}: its init parameters, then
     * {@code conf/dmarc.properties} when there is one.
     *
     * @throws MailetException {@code dmarc.properties} exists but cannot be read
     */
    public static DmarcSettings load(PropertiesProvider propertiesProvider, MailetConfig config) throws MailetException {
        Objects.requireNonNull(config, "config");
        String name = config.getMailetName() == null ? "mailet" : simpleName(config.getMailetName());
        return new DmarcSettings(name, config, readFile(Objects.requireNonNull(propertiesProvider, "propertiesProvider"), name));
    }

    private static Optional<Configuration> readFile(PropertiesProvider propertiesProvider, String mailetName) throws MailetException {
        try {
            return Optional.of(propertiesProvider.getConfiguration(PROPERTIES_FILE));
        } catch (FileNotFoundException | PropertiesProvider.MissingConfigurationFile e) {
            LOGGER.info("{}: no {}; settings come from its init parameters only", mailetName, FILE_DISPLAY_NAME);
            return Optional.empty();
        } catch (ConfigurationException e) {
            throw new MailetException(mailetName + ": cannot read " + FILE_DISPLAY_NAME + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses init parameters the mailet does not know (a typo must not fall back to a default
     * silently). {@code onMailetException} and {@code onMatchException}, read by James, are always allowed.
     */
    public void requireKnownInitParameters(Set<String> known) throws MailetException {
        Set<String> unknown = new TreeSet<>();
        for (Iterator<String> names = initParameters.getInitParameterNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name) && !JAMES_KEYS.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new MailetException(mailetName + ": unknown init parameter" + (unknown.size() > 1 ? "s " : " ") + unknown
                + "; known: " + new TreeSet<>(known));
        }
    }

    /** The setting, from the init parameters, else from {@code dmarc.properties}; empty when unset or blank. */
    public Optional<String> value(String key) throws MailetException {
        Optional<String> parameter = initParameter(key);
        return resolved(key, parameter.isPresent() ? parameter : fileValue(key));
    }

    /** A setting that is a comma-separated list (in either place); empty when unset. */
    public List<String> list(String key) throws MailetException {
        return value(key).map(LIST::splitToList).orElse(List.of());
    }

    /** A whole number within {@code [min, max]}, or {@code defaultValue} when unset. */
    public long number(String key, long defaultValue, long min, long max) throws MailetException {
        Optional<String> text = value(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        long number;
        try {
            number = Long.parseLong(text.get().replace("_", ""));
        } catch (NumberFormatException e) {
            throw invalid(key, "must be a whole number", text.get());
        }
        if (number < min || number > max) {
            throw invalid(key, "must be between " + min + " and " + max, text.get());
        }
        return number;
    }

    /** {@code true}/{@code false} (also {@code yes}/{@code no}), or {@code defaultValue} when unset. */
    public boolean flag(String key, boolean defaultValue) throws MailetException {
        Optional<String> text = value(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        return switch (text.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw invalid(key, "must be true or false", text.get());
        };
    }

    /**
     * Where the DMARC database is: {@code db.url} (required), {@code db.user}, {@code db.password},
     * {@code db.poolSize}. Checks the values only; nothing is connected.
     *
     * @throws MailetException a setting is missing or invalid; the message names it and where it was set
     */
    public DatabaseConfig database() throws MailetException {
        Properties properties = new Properties();
        for (String key : DATABASE_KEYS) {
            Optional<String> text = key.equals(DatabaseConfig.KEY_PASSWORD) ? password() : value(key);
            text.ifPresent(v -> properties.setProperty(key, v));
        }
        try {
            return DatabaseConfig.fromProperties(properties).orElseThrow(() -> new MailetException(mailetName + ": "
                + DatabaseConfig.KEY_URL + " is not set: give the DMARC database's JDBC URL (jdbc:mariadb://host:3306/dmarc) as the "
                + DatabaseConfig.KEY_URL + " init parameter or in " + FILE_DISPLAY_NAME));
        } catch (IllegalArgumentException e) {
            String key = DATABASE_KEYS.stream().filter(k -> e.getMessage() != null && e.getMessage().startsWith(k))
                .findFirst().orElse(DatabaseConfig.KEY_URL);
            throw new MailetException(mailetName + ": " + e.getMessage() + " (" + source(key) + ")", e);
        }
    }

    /** The limits on hostile input: {@link ParseLimits#DEFAULTS} with each {@link Limit#key()} that is set. */
    public ParseLimits parseLimits() throws MailetException {
        ParseLimits limits = ParseLimits.DEFAULTS;
        for (Limit limit : Limit.values()) {
            long max = limit == Limit.DECOMPRESSED_BYTES || limit == Limit.RECORDS ? Long.MAX_VALUE : Integer.MAX_VALUE;
            long value = number(limit.key(), limits.valueOf(limit), 1, max);
            limits = limits.with(limit, value);
        }
        return limits;
    }

    /**
     * One of {@code allowed} (compared without regard to case, returned as listed), or
     * {@code defaultValue} when unset.
     */
    public String choice(String key, String defaultValue, List<String> allowed) throws MailetException {
        Optional<String> text = value(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        return allowed.stream().filter(option -> option.equalsIgnoreCase(text.get())).findFirst()
            .orElseThrow(() -> invalid(key, "must be one of " + String.join(", ", allowed), text.get()));
    }

    /**
     * Where and how the plugin asks DNS: {@code dns.servers} (default: the system's resolvers, as
     * {@code /etc/resolv.conf} lists them), {@code dns.timeoutMillis} (per server and query, default
     * 3000), {@code dns.attempts} (default 2), {@code dns.cacheSize} (default 10000). A server that does
     * not answer in time gives a temporary error (DMARC temperror), never "no record".
     */
    public DnsSettings dnsSettings() throws MailetException {
        DnsSettings dns;
        Optional<String> servers = value(KEY_DNS_SERVERS);
        if (servers.isPresent()) {
            try {
                dns = DnsSettings.of(servers.get());
            } catch (IllegalArgumentException e) {
                throw invalid(KEY_DNS_SERVERS, "must list DNS servers (host or host:port, separated by commas): " + e.getMessage(),
                    servers.get());
            }
        } else {
            try {
                dns = DnsSettings.system();
            } catch (RuntimeException e) {
                throw new MailetException(mailetName + ": " + KEY_DNS_SERVERS + " is not set and the system's DNS resolvers cannot be "
                    + "read (" + e.getMessage() + "): give " + KEY_DNS_SERVERS + " as an init parameter or in " + FILE_DISPLAY_NAME, e);
            }
        }
        return dns.withTimeout(Duration.ofMillis(number(KEY_DNS_TIMEOUT_MILLIS, DnsSettings.DEFAULT_TIMEOUT.toMillis(), 1, 60_000)))
            .withAttempts((int) number(KEY_DNS_ATTEMPTS, DnsSettings.DEFAULT_ATTEMPTS, 1, 10))
            .withCacheSize((int) number(KEY_DNS_CACHE_SIZE, DnsSettings.DEFAULT_CACHE_SIZE, 0, 10_000_000));
    }

    /** Where a setting's value comes from, for messages: the init parameter, the file, or nowhere. */
    public String source(String key) {
        if (initParameter(key).isPresent()) {
            return "init parameter " + key + " of " + mailetName;
        }
        if (fileValue(key).isPresent()) {
            return key + " in " + FILE_DISPLAY_NAME;
        }
        return key + " not set";
    }

    /** The mailet's name as James gives it (its class name without the package), for messages. */
    public String mailetName() {
        return mailetName;
    }

    private Optional<String> initParameter(String key) {
        return nonBlank(initParameters.getInitParameter(key));
    }

    /**
     * A value of {@code dmarc.properties}. James's reader has split it at commas already: the parts
     * are joined again (a failover JDBC URL lists hosts with commas), interpolated each.
     */
    private Optional<String> fileValue(String key) {
        if (file.isEmpty() || !file.get().containsKey(key)) {
            return Optional.empty();
        }
        List<String> parts = file.get().getList(String.class, key, List.of());
        return nonBlank(String.join(",", parts));
    }

    /** The password, which must reach the database exactly: split at a comma, it cannot be joined back for sure. */
    private Optional<String> password() throws MailetException {
        String key = DatabaseConfig.KEY_PASSWORD;
        Optional<String> parameter = initParameter(key);
        if (parameter.isPresent() || file.isEmpty() || !file.get().containsKey(key)) {
            return resolved(key, parameter);
        }
        List<String> parts = file.get().getList(String.class, key, List.of());
        if (parts.size() > 1) {
            throw new MailetException(mailetName + ": " + key + " in " + FILE_DISPLAY_NAME + " holds a comma, where James's "
                + "properties reader splits values: write each comma in it as \\, (or set it as the " + key + " init parameter)");
        }
        // as written: a password may begin or end with a space
        return resolved(key, parts.stream().findFirst().filter(part -> !part.isEmpty()));
    }

    private Optional<String> resolved(String key, Optional<String> value) throws MailetException {
        if (value.isPresent()) {
            Matcher unresolved = UNRESOLVED.matcher(value.get());
            if (unresolved.find()) {
                throw new MailetException(mailetName + ": " + key + " refers to " + unresolved.group()
                    + (unresolved.group(1).equals("env") ? ", but the environment variable " : ", but the system property ")
                    + unresolved.group(2) + " is not set (" + source(key) + ")");
            }
        }
        return value;
    }

    private MailetException invalid(String key, String rule, String value) {
        return new MailetException(mailetName + ": " + key + " " + rule + ", was '" + value + "' (" + source(key) + ")");
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    private static String simpleName(String mailetName) {
        return Stream.of(mailetName.split("\\.")).reduce((first, second) -> second).orElse(mailetName);
    }
}
