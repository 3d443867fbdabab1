package io.jamesdmarc.storage.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.storage.DatabaseConfig;

/**
 * A MariaDB server of our own in a home folder, for the {@code dmarc} tool when no {@code db.url}
 * is configured (and for tests where no server runs). The default home is
 * {@code $XDG_DATA_HOME/james-dmarc/db}, else {@code ~/.local/share/james-dmarc/db}; the server
 * binaries are unpacked once to {@code ~/.cache/james-dmarc}.
 *
 * <p>Several processes may use one home at once (two {@code dmarc import} runs, a dashboard and an
 * import): the first starts the server, the others connect to it, and the last one to close stops
 * it. Two lock files in the home folder make this safe: {@code start.lock} (held briefly by whoever
 * starts, joins or leaves) and {@code users.lock} (held shared by every process using the server; the
 * one leaving who can take it exclusively is the last). A process killed outright releases its locks
 * with it; a server left without users is found and reused by the next process.
 *
 * <p>The server listens on 127.0.0.1 only, on a free port, with an account whose password is
 * generated once and kept in {@code credentials.properties}, readable by the owner only.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    /** The database the {@code dmarc} tool uses in the embedded server. */
    public static final String DATABASE = "dmarc";

    private static final Logger LOGGER = LoggerFactory.getLogger(EmbeddedDatabase.class);
    /** One use of each home per JVM: file locks belong to the process, not to a thread or a channel. */
    private static final Map<Path, Use> USES = new HashMap<>();

    private final Use use;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedDatabase(Use use) {
        this.use = use;
    }

    /** {@code $XDG_DATA_HOME/james-dmarc/db}, else {@code ~/.local/share/james-dmarc/db}. */
    public static Path defaultHome() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".local", "share");
        return base.resolve("james-dmarc").resolve("db");
    }

    /**
     * Uses the server of {@code home}: joins the one running there, or starts it (creating the
     * folder and the database {@value #DATABASE} on first use; the first start takes about 10 s).
     *
     * @throws IOException the server cannot be started; the message says why and where its log is
     */
    public static EmbeddedDatabase start(Path home) throws IOException {
        Path folder = createPrivateDirectories(home.toAbsolutePath().normalize()).toRealPath();
        synchronized (USES) {
            Use use = USES.get(folder);
            if (use == null) {
                use = Use.begin(folder, MariaDbBinaries.defaultCache());
                USES.put(folder, use);
            }
            use.handles++;
            return new EmbeddedDatabase(use);
        }
    }

    /** The JDBC URL of {@code database} in this server. */
    public String jdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + use.state.port() + "/" + database;
    }

    /** How to connect to the {@value #DATABASE} database. */
    public DatabaseConfig config() {
        return config(DATABASE);
    }

    /** How to connect to {@code database} (which the caller creates when it is not {@value #DATABASE}). */
    public DatabaseConfig config(String database) {
        return DatabaseConfig.of(jdbcUrl(database), use.credentials.user(), use.credentials.password());
    }

    public int port() {
        return use.state.port();
    }

    public Path home() {
        return use.home;
    }

    /** Whether this process started the server (rather than joining one another process runs). */
    public boolean startedHere() {
        return use.startedHere;
    }

    /** Stops using the server; the last process to stop using it stops it. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // begin and end of a home's use are serialised in the JVM: a second start.lock in one process would be refused
        synchronized (USES) {
            if (--use.handles > 0) {
                return;
            }
            USES.remove(use.home);
            use.end();
        }
    }

    private static Path createPrivateDirectories(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            try {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException e) {
                // a file system without POSIX permissions: its own access rules apply
                Files.createDirectories(folder);
            }
        }
        return folder;
    }

    /** This process's use of one home's server. */
    private static final class Use {
        private final Path home;
        private final EmbeddedServer server;
        private final EmbeddedServer.Credentials credentials;
        private final EmbeddedServer.State state;
        private final boolean startedHere;
        private final FileChannel usersChannel;
        private FileLock usersLock;
        private final Thread shutdownHook;
        private int handles;

        private Use(Path home, EmbeddedServer server, EmbeddedServer.Credentials credentials, EmbeddedServer.State state,
                    boolean startedHere, FileChannel usersChannel, FileLock usersLock) {
            this.home = home;
            this.server = server;
            this.credentials = credentials;
            this.state = state;
            this.startedHere = startedHere;
            this.usersChannel = usersChannel;
            this.usersLock = usersLock;
            this.shutdownHook = new Thread(() -> {
                synchronized (USES) {
                    USES.remove(home, this);
                    end();
                }
            }, "james-dmarc embedded MariaDB " + home);
        }

        static Use begin(Path home, Path binariesCache) throws IOException {
            EmbeddedServer server = new EmbeddedServer(home);
            try (FileChannel startChannel = lockFile(home.resolve("start.lock"))) {
                // held until the channel closes: while this process decides to start or join
                startChannel.lock();
                EmbeddedServer.Credentials credentials = server.credentials();
                var running = server.running(credentials);
                boolean startedHere = running.isEmpty();
                EmbeddedServer.State state = startedHere ? server.start(MariaDbBinaries.installed(binariesCache), credentials) : running.get();
                FileChannel usersChannel = lockFile(home.resolve("users.lock"));
                // shared: every process using the server holds it; nobody holds it exclusively but under start.lock
                FileLock usersLock = usersChannel.lock(0, Long.MAX_VALUE, true);
                Use use = new Use(home, server, credentials, state, startedHere, usersChannel, usersLock);
                Runtime.getRuntime().addShutdownHook(use.shutdownHook);
                LOGGER.info("{} the embedded MariaDB in {} on 127.0.0.1:{}", startedHere ? "started" : "joined", home, state.port());
                return use;
            }
        }

        /** Leaves the server; stops it when no other process uses it. Called holding the USES monitor. */
        void end() {
            if (usersLock == null) {
                return;
            }
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: this is the hook running
            }
            try (FileChannel startChannel = lockFile(home.resolve("start.lock"))) {
                // held until the channel closes: while this process decides to leave or stop
                startChannel.lock();
                usersLock.release();
                usersLock = null;
                usersChannel.close();
                try (FileChannel check = lockFile(home.resolve("users.lock"));
                     FileLock last = check.tryLock(0, Long.MAX_VALUE, false)) {
                    if (last != null) {
                        server.stop(state);
                    } else {
                        LOGGER.info("leaving the embedded MariaDB in {} running: another process uses it", home);
                    }
                }
            } catch (IOException e) {
                LOGGER.warn("could not stop the embedded MariaDB in {} cleanly: {}", home, e.getMessage());
            }
        }

        private static FileChannel lockFile(Path file) throws IOException {
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
    }
}
