package io.jamesdmarc.mailets.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.storage.DatabaseConfig;
import io.jamesdmarc.storage.DatabaseUnavailableException;
import io.jamesdmarc.storage.testing.TestDatabase;

class DmarcDatabaseTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @Test
    void aBrokenPooledConnectionIsTriedAgainADownDatabaseIsNot() {
        assertThat(DmarcDatabase.brokenConnection(new SQLException("wrapped", new SQLNonTransientConnectionException("(conn=9) Socket error"))))
            .isTrue();
        assertThat(DmarcDatabase.brokenConnection(new SQLTransientConnectionException("pool - Connection is not available, request timed out",
            new SQLNonTransientConnectionException("refused")))).isFalse();
        assertThat(DmarcDatabase.brokenConnection(new SQLException("Duplicate entry", "23000"))).isFalse();
    }

    @Test
    void workIsDoneAgainOnlyAfterABrokenConnectionAndAtMostThreeTimes() throws Exception {
        try (DmarcDatabase database = new DmarcDatabase(DB.config(), "test")) {
            AtomicInteger calls = new AtomicInteger();
            assertThat(database.<Integer, RuntimeException>call(open -> {
                if (calls.incrementAndGet() < 3) {
                    throw new SQLNonTransientConnectionException("(conn=1) Socket error");
                }
                return calls.get();
            })).isEqualTo(3);

            calls.set(0);
            assertThatThrownBy(() -> database.<Void, RuntimeException>call(open -> {
                calls.incrementAndGet();
                throw new SQLNonTransientConnectionException("(conn=2) Socket error");
            })).isInstanceOf(SQLNonTransientConnectionException.class);
            assertThat(calls).hasValue(DmarcDatabase.MAX_ATTEMPTS);

            calls.set(0);
            assertThatThrownBy(() -> database.<Void, RuntimeException>call(open -> {
                calls.incrementAndGet();
                throw new SQLException("Data too long", "22001");
            })).hasMessage("Data too long");
            assertThat(calls).hasValue(1);
        }
    }

    @Test
    void anUnreachableDatabaseIsNotOpenYetAndIsTriedAgainOnEachUse() {
        DmarcDatabase database = new DmarcDatabase(DatabaseConfig.of("jdbc:mariadb://127.0.0.1:1/nothing", "u", "p"), "test");

        assertThat(database.tryOpen()).isFalse();
        assertThatThrownBy(database::get).isInstanceOf(DatabaseUnavailableException.class)
            .hasMessageContaining("jdbc:mariadb://127.0.0.1:1/nothing");
        database.close();
        assertThatThrownBy(database::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("destroyed");
    }
}
