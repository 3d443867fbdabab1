package io.jamesdmarc.storage;

import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where the DMARC database is and how many connections to keep: a MariaDB JDBC URL, a user, a
 * password and a pool size. Read from code or from {@code dmarc.properties} (shared by the James
 * mailets and the {@code dmarc} tool):
 *
 * <pre>
 * db.url = jdbc:mariadb://127.0.0.1:3306/dmarc
 * db.user = dmarc
 * db.password = secret
 * db.poolSize = 10
 * </pre>
 *
 * <p>{@link #toString()} and every error message show the URL without any password in it.
 */
public record DatabaseConfig(String url, String user, String password, int poolSize) {

    public static final String KEY_URL = "db.url";
    public static final String KEY_USER = "db.user";
    public static final String KEY_PASSWORD = "db.password";
    public static final String KEY_POOL_SIZE = "db.poolSize";
    public static final int DEFAULT_POOL_SIZE = 10;
    public static final int MAX_POOL_SIZE = 500;

    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO_IN_URL = Pattern.compile("(//[^/@:]*:)[^/@]*@");

    public DatabaseConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (!url.startsWith("jdbc:mariadb:")) {
            throw new IllegalArgumentException(KEY_URL + " must be a MariaDB JDBC URL (jdbc:mariadb://host:3306/database), was "
                + redact(url, password));
        }
        if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
            throw new IllegalArgumentException(KEY_POOL_SIZE + " must be between 1 and " + MAX_POOL_SIZE + ", was " + poolSize);
        }
    }

    public static DatabaseConfig of(String url, String user, String password) {
        return new DatabaseConfig(url, user, password, DEFAULT_POOL_SIZE);
    }

    /**
     * The database settings of a {@code dmarc.properties}, or empty when {@code db.url} is not set
     * (the {@code dmarc} tool then uses its embedded database; the mailets refuse to start).
     *
     * @throws IllegalArgumentException a setting is present but invalid; the message names the key
     */
    public static Optional<DatabaseConfig> fromProperties(Properties properties) {
        String url = trimmed(properties.getProperty(KEY_URL));
        if (url.isEmpty()) {
            return Optional.empty();
        }
        String poolSize = trimmed(properties.getProperty(KEY_POOL_SIZE));
        int size = DEFAULT_POOL_SIZE;
        if (!poolSize.isEmpty()) {
            try {
                size = Integer.parseInt(poolSize);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(KEY_POOL_SIZE + " must be a number, was '" + poolSize + "'", e);
            }
        }
        // the password is taken as written: it may well begin or end with a space
        String password = properties.getProperty(KEY_PASSWORD, "");
        return Optional.of(new DatabaseConfig(url, trimmed(properties.getProperty(KEY_USER)), password, size));
    }

    public DatabaseConfig withPoolSize(int size) {
        return new DatabaseConfig(url, user, password, size);
    }

    /** The URL with any password in it (a {@code password=} parameter, {@code user:password@}) replaced by {@code ***}. */
    public String redactedUrl() {
        return redact(url, password);
    }

    /** {@code text} with this configuration's password, wherever it appears, replaced by {@code ***}. */
    public String redact(String text) {
        return redact(text, password);
    }

    static String redact(String text, String password) {
        if (text == null) {
            return "";
        }
        String redacted = PASSWORD_IN_URL.matcher(text).replaceAll("$1***");
        redacted = USER_INFO_IN_URL.matcher(redacted).replaceAll("$1***@");
        if (password != null && !password.isEmpty()) {
            redacted = redacted.replace(password, "***");
        }
        return redacted;
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + redactedUrl() + ", user=" + user + ", password=" + (password.isEmpty() ? "(none)" : "***")
            + ", poolSize=" + poolSize + "]";
    }

    private static String trimmed(String value) {
        return value == null ? "" : value.strip();
    }
}
