package io.jamesdmarc.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

class DatabaseTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @Test
    void anUnreachableDatabaseIsNamedByItsUrlNeverItsPassword() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "jdbc:mariadb://127.0.0.1:" + closedPort + "/dmarc?password=hunter2";
        DatabaseConfig config = DatabaseConfig.of(url, "dmarc", "hunter2");

        assertThatThrownBy(() -> Database.open(config))
            .isInstanceOf(DatabaseUnavailableException.class)
            .hasMessageContaining("jdbc:mariadb://127.0.0.1:" + closedPort + "/dmarc?password=***")
            .hasMessageContaining("user 'dmarc'")
            .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("hunter2"));
    }

    @Test
    void aWrongPasswordSaysAccessDeniedWithoutTheWrongPassword() {
        DatabaseConfig wrong = DatabaseConfig.of(DB.config().url(), DB.config().user(), "wrong-password-42");

        assertThatThrownBy(() -> Database.open(wrong))
            .isInstanceOf(DatabaseUnavailableException.class)
            .hasMessageContaining(DB.config().url())
            .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("wrong-password-42"));
    }

    @Test
    void migrationsCreateEveryTableAndViewInUtf8mb4() throws SQLException {
        SqlProbe sql = new SqlProbe(DB.dataSource());

        assertThat(sql.strings("SELECT version FROM james_dmarc_schema_history WHERE success = 1 ORDER BY installed_rank"))
            .containsExactly("1", "2", "3", "10", "11", "12", "13");
        assertThat(sql.strings("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
            + "AND table_type = 'BASE TABLE' AND table_name <> 'james_dmarc_schema_history'"))
            .containsExactlyInAnyOrder("aggregate_dkim_results", "aggregate_override_reasons", "aggregate_records", "aggregate_reports",
                "aggregate_spf_results", "aggregate_sources", "aggregate_report_sources", "aggregate_source_spans", "aggregate_daily_totals",
                "failure_report_fields", "failure_reports", "received_message_contents", "received_messages",
                "rejected_input_chunks", "rejected_inputs", "evaluations", "evaluation_domains", "evaluation_dkim_results",
                "evaluation_failures", "failure_report_limits", "failure_report_messages", "failure_report_sends",
                "outbound_aggregate_reports");
        assertThat(sql.strings("SELECT table_name FROM information_schema.views WHERE table_schema = DATABASE()"))
            .containsExactlyInAnyOrder("v_aggregate_records", "v_aggregate_reports", "v_domain_daily", "v_domain_reporters", "v_domain_sources",
                "v_failure_daily", "v_failure_reports", "v_received_messages");
        assertThat(sql.strings("SELECT DISTINCT character_set_name FROM information_schema.columns WHERE table_schema = DATABASE() "
            + "AND character_set_name IS NOT NULL AND table_name <> 'james_dmarc_schema_history'")).containsExactly("utf8mb4");
        for (String view : List.of("v_aggregate_records", "v_aggregate_reports", "v_domain_daily", "v_domain_reporters",
            "v_domain_sources", "v_failure_daily", "v_failure_reports", "v_received_messages")) {
            assertThat(sql.count(view)).as(view).isZero();
        }
    }

    @Test
    void openingAgainMigratesNothingAndKeepsData() throws SQLException {
        try (Database again = Database.open(DB.config())) {
            assertThat(new SqlProbe(again.dataSource()).count("james_dmarc_schema_history")).isEqualTo(7);
        }
    }

    @Test
    void sharedHandlesOfOneUrlUseOnePoolClosedByTheLast() throws SQLException {
        Database first = Database.shared(DB.config());
        Database second = Database.shared(DB.config().withPoolSize(3));

        assertThat(second.dataSource()).isSameAs(first.dataSource());
        first.close();
        first.close();
        try (Connection connection = second.dataSource().getConnection()) {
            assertThat(connection.isValid(2)).isTrue();
        }
        second.close();
        assertThatThrownBy(() -> second.dataSource().getConnection()).isInstanceOf(SQLException.class);

        try (Database reopened = Database.shared(DB.config())) {
            assertThat(reopened.dataSource()).isNotSameAs(first.dataSource());
        }
    }

    @Test
    void sessionsRunInUtcWithStrictMode() throws SQLException {
        SqlProbe sql = new SqlProbe(DB.dataSource());

        assertThat(sql.strings("SELECT CONCAT(@@session.time_zone, ' ', @@session.sql_mode)"))
            .containsExactly("+00:00 STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION");
    }

    private static String stackTrace(Throwable error) {
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
