package io.jamesdmarc.storage.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MariaDB server process on a data folder: installs the folder, starts the server on a free
 * loopback port, finds a running one, stops it. The server runs on its own (not tied to the JVM
 * that started it), so that other processes may keep using it; {@link EmbeddedDatabase} decides
 * when it starts and stops.
 *
 * <p>Files in the home folder: {@code data/} (the databases), {@code tmp/}, {@code server.log},
 * {@code server.properties} (port and pid of the running server), {@code mariadbd.pid},
 * {@code credentials.properties} (the generated password, readable by the owner only).
 */
final class EmbeddedServer {

    static final String USER = "dmarc";
    private static final Logger LOGGER = LoggerFactory.getLogger(EmbeddedServer.class);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;
    private static final int MAX_SOCKET_PATH = 100;

    /** Port and process of a started server. */
    record State(long pid, int port) {
    }

    /** The account the init file creates, with a password generated once per home folder. */
    record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[user=" + user + ", password=***]";
        }
    }

    private final Path home;

    EmbeddedServer(Path home) {
        this.home = home;
    }

    Path data() {
        return home.resolve("data");
    }

    Path log() {
        return home.resolve("server.log");
    }

    private Path stateFile() {
        return home.resolve("server.properties");
    }

    private Path pidFile() {
        return home.resolve("mariadbd.pid");
    }

    /** The account of this home folder, created on first use (the file is readable by its owner only). */
    Credentials credentials() throws IOException {
        Path file = home.resolve("credentials.properties");
        Properties properties = new Properties();
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (java.nio.file.AccessDeniedException e) {
                throw new IOException("cannot read " + file + ": the embedded database in " + home + " belongs to another user", e);
            }
            String password = properties.getProperty("password", "");
            if (!password.isEmpty()) {
                return new Credentials(properties.getProperty("user", USER), password);
            }
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        Credentials credentials = new Credentials(USER, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
        properties.setProperty("user", credentials.user());
        properties.setProperty("password", credentials.password());
        writePrivately(file, out -> properties.store(out, "the embedded MariaDB's account (127.0.0.1 only); generated once"));
        return credentials;
    }

    /** The running server of this folder, if one answers. */
    Optional<State> running(Credentials credentials) throws IOException {
        if (!Files.isRegularFile(stateFile())) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(stateFile())) {
            properties.load(in);
        }
        try {
            State state = new State(Long.parseLong(properties.getProperty("pid", "")), Integer.parseInt(properties.getProperty("port", "")));
            if (isOurServer(state.pid()) && answers(state.port(), credentials)) {
                return Optional.of(state);
            }
        } catch (NumberFormatException e) {
            LOGGER.warn("ignoring damaged {}: {}", stateFile(), e.getMessage());
        }
        return Optional.empty();
    }

    /** Installs the data folder when new, stops a leftover server, starts one and waits until it answers. */
    State start(MariaDbBinaries binaries, Credentials credentials) throws IOException {
        stopLeftover();
        Files.deleteIfExists(stateFile());
        if (!Files.isDirectory(data())) {
            install(binaries);
        }
        Files.createDirectories(home.resolve("tmp"));
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            try {
                State state = launch(binaries, credentials, port);
                Properties properties = new Properties();
                properties.setProperty("pid", Long.toString(state.pid()));
                properties.setProperty("port", Integer.toString(state.port()));
                properties.setProperty("started", Instant.now().toString());
                writePrivately(stateFile(), out -> properties.store(out, "the running embedded MariaDB"));
                return state;
            } catch (IOException e) {
                // most likely another program took the free port before the server did: try another one
                last = e;
                LOGGER.warn("embedded MariaDB did not start on port {} (attempt {} of {}): {}", port, attempt, START_ATTEMPTS, e.getMessage());
            }
        }
        throw last;
    }

    /** Stops the server (SIGTERM: a clean InnoDB shutdown), killing it if it does not stop in time. */
    void stop(State state) throws IOException {
        Optional<ProcessHandle> process = ProcessHandle.of(state.pid()).filter(ProcessHandle::isAlive);
        if (process.isPresent()) {
            LOGGER.info("stopping the embedded MariaDB (pid {}, port {})", state.pid(), state.port());
            terminate(process.get());
        }
        Files.deleteIfExists(stateFile());
    }

    private void install(MariaDbBinaries binaries) throws IOException {
        Path installing = home.resolve("data.installing");
        MariaDbBinaries.deleteTree(installing);
        LOGGER.info("creating the embedded MariaDB data folder {}", data());
        List<String> command = new ArrayList<>(List.of(binaries.installScript().toString(), "--no-defaults",
            "--basedir=" + binaries.directory(), "--datadir=" + installing, "--skip-name-resolve", "--skip-test-db", "--force"));
        if (runningAsRoot()) {
            command.add("--user=root");
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(binaries.directory().toFile()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        builder.environment().put("LD_LIBRARY_PATH", binaries.libraries().toString());
        Process process = builder.start();
        try {
            if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("creating the embedded MariaDB data folder took over " + START_TIMEOUT.toSeconds() + " s; see " + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while creating " + data(), e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("creating the embedded MariaDB data folder failed (exit " + process.exitValue() + "): " + logTail());
        }
        // renamed only once complete: a folder named data/ is always a usable one
        Files.move(installing, data(), StandardCopyOption.ATOMIC_MOVE);
    }

    private State launch(MariaDbBinaries binaries, Credentials credentials, int port) throws IOException {
        // the account is (re)created at every start from an init file only the owner can read, then deleted
        Path init = home.resolve("init.sql");
        String sql = "CREATE USER IF NOT EXISTS '" + credentials.user() + "'@'127.0.0.1' IDENTIFIED BY '" + credentials.password() + "';\n"
            + "ALTER USER '" + credentials.user() + "'@'127.0.0.1' IDENTIFIED BY '" + credentials.password() + "';\n"
            + "GRANT ALL PRIVILEGES ON *.* TO '" + credentials.user() + "'@'127.0.0.1' WITH GRANT OPTION;\n"
            + "CREATE DATABASE IF NOT EXISTS `" + EmbeddedDatabase.DATABASE + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n";
        writePrivately(init, out -> out.write(sql.getBytes(StandardCharsets.UTF_8)));
        List<String> command = new ArrayList<>(List.of(binaries.server().toString(), "--no-defaults",
            "--basedir=" + binaries.directory(), "--datadir=" + data(), "--tmpdir=" + home.resolve("tmp"),
            "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + socketPath(), "--pid-file=" + pidFile(),
            // no TLS on loopback: MariaDB 11.4 would otherwise generate a certificate at each start (seconds of RSA)
            "--skip-name-resolve", "--skip-ssl", "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
            "--max-allowed-packet=64M", "--init-file=" + init));
        if (runningAsRoot()) {
            command.add("--user=root");
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(binaries.directory().toFile()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        builder.environment().put("LD_LIBRARY_PATH", binaries.libraries().toString());
        long logStart = Files.exists(log()) ? Files.size(log()) : 0;
        Process process = builder.start();
        LOGGER.info("starting the embedded MariaDB on 127.0.0.1:{} (pid {}, data {})", port, process.pid(), data());
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException("the embedded MariaDB stopped while starting (exit " + process.exitValue() + "): "
                        + logTail(logStart));
                }
                if (answers(port, credentials)) {
                    return new State(process.pid(), port);
                }
                if (System.nanoTime() > deadline) {
                    terminate(process.toHandle());
                    throw new IOException("the embedded MariaDB did not answer within " + START_TIMEOUT.toSeconds() + " s: " + logTail(logStart));
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            terminate(process.toHandle());
            throw new IOException("interrupted while starting the embedded MariaDB", e);
        } finally {
            Files.deleteIfExists(init);
        }
    }

    /** A server of this data folder that nobody recorded (its JVM was killed while starting it) holds the folder: stop it. */
    private void stopLeftover() throws IOException {
        for (Path file : new Path[] {stateFile(), pidFile()}) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String pid = text.contains("pid=") ? text.replaceAll("(?s).*pid=(\\d+).*", "$1") : text.strip();
            try {
                long leftover = Long.parseLong(pid);
                if (isOurServer(leftover)) {
                    LOGGER.warn("stopping a leftover embedded MariaDB (pid {}) that does not answer", leftover);
                    ProcessHandle.of(leftover).ifPresent(EmbeddedServer::terminate);
                }
            } catch (NumberFormatException e) {
                LOGGER.debug("no pid in {}", file);
            }
        }
    }

    /** Whether {@code pid} is a live mariadbd on this data folder (and not a recycled pid). */
    private boolean isOurServer(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
            .flatMap(process -> process.info().commandLine())
            .map(commandLine -> commandLine.contains("mariadbd") && commandLine.contains("--datadir=" + data()))
            .orElse(false);
    }

    static boolean answers(int port, Credentials credentials) {
        Properties properties = new Properties();
        properties.setProperty("user", credentials.user());
        properties.setProperty("password", credentials.password());
        properties.setProperty("connectTimeout", "2000");
        try (Connection connection = new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/", properties)) {
            return connection != null && connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void terminate(ProcessHandle process) {
        process.destroy();
        try {
            process.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOGGER.warn("the embedded MariaDB (pid {}) did not stop within {} s: killing it", process.pid(), STOP_TIMEOUT.toSeconds());
            process.destroyForcibly();
        }
    }

    /** The unix socket mariadbd insists on: in the home folder when the path is short enough, else in the temp folder. */
    private Path socketPath() {
        Path local = home.resolve("mariadb.sock");
        if (local.toString().length() <= MAX_SOCKET_PATH) {
            return local;
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "james-dmarc-" + Integer.toHexString(home.toString().hashCode()) + ".sock");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }

    private String logTail() {
        return logTail(0);
    }

    /** The last lines the server wrote since {@code from}, for error messages. */
    private String logTail(long from) {
        try (RandomAccessFile file = new RandomAccessFile(log().toFile(), "r")) {
            long start = Math.max(from, file.length() - 2000);
            file.seek(start);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.readFully(bytes);
            return "see " + log() + ":\n" + new String(bytes, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "see " + log();
        }
    }

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Writes a file readable by its owner only (it may hold the password), replacing it atomically. */
    private static void writePrivately(Path file, Writer writer) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            // a file system without POSIX permissions (not Linux or macOS): its own access rules apply
            Files.createFile(temporary);
        }
        try (OutputStream out = Files.newOutputStream(temporary)) {
            writer.write(out);
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
