package io.jamesdmarc.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import io.jamesdmarc.storage.Database;
import io.jamesdmarc.storage.DatabaseConfig;
import io.jamesdmarc.storage.DatabaseUnavailableException;
import io.jamesdmarc.storage.embedded.EmbeddedDatabase;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where the DMARC database is, for every subcommand that touches the store ({@code @Mixin
 * DatabaseOptions database;}): a MariaDB server ({@code --db}, {@code --db-user},
 * {@code --db-password}, or their environment variables), else an embedded MariaDB the tool runs
 * itself in {@code --data-dir}, so that a newcomer needs nothing installed but a JDK.
 *
 * <pre>
 * try (DatabaseHandle handle = database.open(4)) {
 *     handle.database().reportStore() ...
 * }
 * </pre>
 *
 * <p>An option given on the command line wins over its environment variable. The password is never
 * printed: not in {@code --help}, not in errors, not in {@link #describe()}.
 */
public final class DatabaseOptions {

    public static final String ENV_URL = "DMARC_DB_URL";
    public static final String ENV_USER = "DMARC_DB_USER";
    public static final String ENV_PASSWORD = "DMARC_DB_PASSWORD";
    public static final String ENV_DATA_DIR = "DMARC_DATA_DIR";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--db", paramLabel = "JDBC_URL", defaultValue = "${env:" + ENV_URL + "}",
        description = {"MariaDB to use, e.g. jdbc:mariadb://127.0.0.1:3306/dmarc (the database must exist; the schema is "
            + "created or upgraded on start). Default: $" + ENV_URL + "; without either, the embedded MariaDB of --data-dir."})
    String url;

    @Option(names = "--db-user", paramLabel = "USER", defaultValue = "${env:" + ENV_USER + "}",
        description = "Account for --db. Default: $" + ENV_USER + ", else none.")
    String user;

    // never shown: a default taken from the environment would print the password in --help
    @Option(names = "--db-password", paramLabel = "PASSWORD", defaultValue = "${env:" + ENV_PASSWORD + "}",
        showDefaultValue = CommandLine.Help.Visibility.NEVER,
        description = "Password for --db. Default: $" + ENV_PASSWORD + " (better than the option: a command line is visible "
            + "to other users in ps), else none. Never printed.")
    String password;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:" + ENV_DATA_DIR + "}",
        description = {"Folder of the embedded MariaDB used when no --db is given (created on first use; the server "
            + "binaries are unpacked once to ~/.cache/james-dmarc). Several dmarc processes may share it. "
            + "Default: $" + ENV_DATA_DIR + ", else $XDG_DATA_HOME/james-dmarc/db, else ~/.local/share/james-dmarc/db."})
    Path dataDir;

    /** The MariaDB server given by {@code --db} or {@code DMARC_DB_URL}; empty: the embedded database. */
    public Optional<String> url() {
        return Optional.ofNullable(url).map(String::strip).filter(text -> !text.isEmpty());
    }

    /** The embedded database's folder: {@code --data-dir}, {@code DMARC_DATA_DIR}, else {@link EmbeddedDatabase#defaultHome()}. */
    public Path dataDir() {
        return (dataDir != null && !dataDir.toString().isBlank() ? dataDir : EmbeddedDatabase.defaultHome()).toAbsolutePath().normalize();
    }

    /**
     * How to reach the server of {@code --db}, or empty when the embedded database is used.
     *
     * @throws CommandLine.ParameterException the URL is not a MariaDB JDBC URL (the message shows it without any password)
     */
    public Optional<DatabaseConfig> serverConfig(int poolSize) {
        Optional<String> jdbcUrl = url();
        if (jdbcUrl.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DatabaseConfig(jdbcUrl.get(), user == null ? "" : user.strip(), password == null ? "" : password,
                poolSize));
        } catch (IllegalArgumentException e) {
            String message = e.getMessage().replace(DatabaseConfig.KEY_URL, "--db (or $" + ENV_URL + ")")
                .replace(DatabaseConfig.KEY_POOL_SIZE, "the pool size");
            if (spec != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), message, e);
            }
            throw new IllegalArgumentException(message, e);
        }
    }

    /** Which database this is, for messages: the URL (no password) and user, or the embedded folder. */
    public String describe() {
        return serverConfig(1)
            .map(config -> "the MariaDB at " + config.redactedUrl() + (config.user().isEmpty() ? "" : " (user " + config.user() + ")"))
            .orElseGet(() -> "the embedded MariaDB in " + dataDir());
    }

    /**
     * Opens the database: connects to the server of {@code --db}, or starts (or joins) the
     * embedded one; migrates the schema either way.
     *
     * @param poolSize connections the command may use at once (1 to 500)
     * @throws DatabaseUnavailableException the server cannot be reached or the embedded one cannot start;
     *                                      the message names the URL (never the password) or the folder, and says why
     */
    public DatabaseHandle open(int poolSize) throws DatabaseUnavailableException {
        Optional<DatabaseConfig> server = serverConfig(poolSize);
        if (server.isPresent()) {
            return new DatabaseHandle(Database.open(server.get()), null, describe());
        }
        Path home = dataDir();
        EmbeddedDatabase embedded;
        try {
            embedded = EmbeddedDatabase.start(home);
        } catch (IOException e) {
            throw new DatabaseUnavailableException("cannot start the embedded MariaDB in " + home + ": " + e.getMessage()
                + " (or give a MariaDB server with --db / $" + ENV_URL + ")", e);
        }
        try {
            return new DatabaseHandle(Database.open(embedded.config().withPoolSize(poolSize)), embedded, describe());
        } catch (DatabaseUnavailableException | RuntimeException e) {
            embedded.close();
            throw e;
        }
    }

    /** An open database, and the embedded server behind it when there is one; closing closes both. */
    public static final class DatabaseHandle implements AutoCloseable {
        private final Database database;
        private final EmbeddedDatabase embedded;
        private final String description;

        DatabaseHandle(Database database, EmbeddedDatabase embedded, String description) {
            this.database = database;
            this.embedded = embedded;
            this.description = description;
        }

        public Database database() {
            return database;
        }

        /** The embedded server, when no {@code --db} was given. */
        public Optional<EmbeddedDatabase> embedded() {
            return Optional.ofNullable(embedded);
        }

        /** As {@link DatabaseOptions#describe()}. */
        public String description() {
            return description;
        }

        /** Closes the pool, then leaves the embedded server (the last process to leave stops it). */
        @Override
        public void close() {
            try {
                database.close();
            } finally {
                if (embedded != null) {
                    embedded.close();
                }
            }
        }
    }
}
