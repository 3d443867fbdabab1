package io.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import io.jamesdmarc.storage.DatabaseConfig;
import io.jamesdmarc.storage.DatabaseUnavailableException;
import io.jamesdmarc.storage.embedded.EmbeddedDatabase;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The database options every store-touching subcommand shares: resolution, and errors that never show the password. */
class DatabaseOptionsTest {

    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Override
        public Integer call() throws Exception {
            try (DatabaseOptions.DatabaseHandle handle = database.open(1)) {
                return 0;
            }
        }
    }

    private static Probe parse(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe;
    }

    @Test
    void aUrlUserAndPasswordMakeTheServerConfiguration() {
        Probe probe = parse("--db", "jdbc:mariadb://db.example:3306/dmarc", "--db-user", "dmarc", "--db-password", "s3cret");

        DatabaseConfig config = probe.database.serverConfig(4).orElseThrow();

        assertThat(config).isEqualTo(new DatabaseConfig("jdbc:mariadb://db.example:3306/dmarc", "dmarc", "s3cret", 4));
        assertThat(probe.database.describe()).isEqualTo("the MariaDB at jdbc:mariadb://db.example:3306/dmarc (user dmarc)");
    }

    @Test
    void noUrlMeansTheEmbeddedDatabaseOfTheDataDirectory(@org.junit.jupiter.api.io.TempDir Path dir) {
        // the test JVM has no DMARC_DB_URL (surefire passes the environment through: a developer's own would show here)
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(DatabaseOptions.ENV_URL) == null, "DMARC_DB_URL is set");
        assertThat(parse("--data-dir", dir.toString()).database.serverConfig(1)).isEmpty();
        assertThat(parse("--data-dir", dir.toString()).database.dataDir()).isEqualTo(dir.toAbsolutePath());
        assertThat(parse("--data-dir", dir.toString()).database.describe()).isEqualTo("the embedded MariaDB in " + dir.toAbsolutePath());
        if (System.getenv(DatabaseOptions.ENV_DATA_DIR) == null) {
            assertThat(parse().database.dataDir()).isEqualTo(EmbeddedDatabase.defaultHome().toAbsolutePath());
        }
    }

    @Test
    void aUrlThatIsNotMariaDbIsAnInvalidCommandLineShowingNoPassword() {
        Probe probe = parse("--db", "jdbc:postgresql://db.example/dmarc?password=hunter2", "--db-password", "hunter2");

        assertThatThrownBy(() -> probe.database.serverConfig(1))
            .isInstanceOf(CommandLine.ParameterException.class)
            .hasMessageContaining("--db")
            .hasMessageContaining("jdbc:postgresql://db.example/dmarc")
            .hasMessageNotContaining("hunter2");
    }

    @Test
    void theHelpShowsNoPasswordTakenFromTheCommandLineOrEnvironment() {
        CommandLine commandLine = new CommandLine(new Probe());
        commandLine.parseArgs("--db-password", "hunter2");
        String help = commandLine.getUsageMessage(CommandLine.Help.Ansi.OFF);

        assertThat(help).contains("--db=JDBC_URL", "--db-user=USER", "--db-password=PASSWORD", "--data-dir=DIR",
            "DMARC_DB_URL", "DMARC_DB_PASSWORD", "DMARC_DATA_DIR");
        assertThat(help.replaceAll("\\s+", "")).contains("~/.local/share/james-dmarc/db");
        assertThat(help).doesNotContain("hunter2");
    }

    @Test
    void anUnreachableServerIsOneLineNamingTheUrlAndUserButNeverThePassword() throws Exception {
        CommandLine commandLine = DmarcCommand.commandLine().addSubcommand(new Probe());
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        // port 1 on loopback: nothing listens, the connection is refused at once
        int status = commandLine.execute("probe", "--db", "jdbc:mariadb://127.0.0.1:1/dmarc", "--db-user", "reporter",
            "--db-password", "hunter2");

        assertThat(status).isEqualTo(DmarcCommand.EXIT_DATABASE_UNAVAILABLE);
        assertThat(err.toString().strip()).startsWith("dmarc probe: cannot connect to the DMARC database at jdbc:mariadb://127.0.0.1:1/dmarc")
            .contains("'reporter'").doesNotContain("hunter2").doesNotContain("\tat ");
    }

    @Test
    void aFolderTheEmbeddedServerCannotUseIsACleanError(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("not-a-folder"), "x");

        assertThatThrownBy(() -> parse("--data-dir", file.toString()).database.open(1))
            .isInstanceOf(DatabaseUnavailableException.class)
            .hasMessageStartingWith("cannot start the embedded MariaDB in " + file)
            .hasMessageContaining("--db");
    }
}
