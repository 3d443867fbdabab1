package io.jamesdmarc.cli;

import java.util.List;

import io.jamesdmarc.storage.DatabaseConfig;
import io.jamesdmarc.storage.testing.TestDatabase;

/** The command-line options that point the dmarc command at a test database. */
final class TestDatabases {

    private TestDatabases() {
    }

    static List<String> options(TestDatabase database) {
        DatabaseConfig config = database.config();
        return List.of("--db", config.url(), "--db-user", config.user(), "--db-password", config.password());
    }

    /** {@code dmarc <command> <database options> <args>} */
    static String[] command(String command, TestDatabase database, String... args) {
        List<String> all = new java.util.ArrayList<>();
        all.add(command);
        all.addAll(options(database));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }
}
