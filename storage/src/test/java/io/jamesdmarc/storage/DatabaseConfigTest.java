package io.jamesdmarc.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;

import org.junit.jupiter.api.Test;

class DatabaseConfigTest {

    @Test
    void readsTheDbKeysOfDmarcProperties() {
        Properties properties = new Properties();
        properties.setProperty("db.url", " jdbc:mariadb://db.example.net:3306/dmarc ");
        properties.setProperty("db.user", "dmarc");
        properties.setProperty("db.password", " s3cret ");
        properties.setProperty("db.poolSize", "25");

        assertThat(DatabaseConfig.fromProperties(properties))
            .contains(new DatabaseConfig("jdbc:mariadb://db.example.net:3306/dmarc", "dmarc", " s3cret ", 25));
    }

    @Test
    void noUrlMeansNoDatabaseConfigured() {
        assertThat(DatabaseConfig.fromProperties(new Properties())).isEmpty();
    }

    @Test
    void thePoolSizeDefaultsAndIsChecked() {
        Properties properties = new Properties();
        properties.setProperty("db.url", "jdbc:mariadb://127.0.0.1/dmarc");
        assertThat(DatabaseConfig.fromProperties(properties)).get().extracting(DatabaseConfig::poolSize)
            .isEqualTo(DatabaseConfig.DEFAULT_POOL_SIZE);

        properties.setProperty("db.poolSize", "many");
        assertThatThrownBy(() -> DatabaseConfig.fromProperties(properties)).hasMessageContaining("db.poolSize");
        properties.setProperty("db.poolSize", "0");
        assertThatThrownBy(() -> DatabaseConfig.fromProperties(properties)).hasMessageContaining("db.poolSize");
    }

    @Test
    void refusesAnythingButAMariaDbUrlWithoutShowingItsPassword() {
        assertThatThrownBy(() -> DatabaseConfig.of("jdbc:postgresql://h/db?password=hunter2", "u", "hunter2"))
            .hasMessageContaining("db.url")
            .hasMessageNotContaining("hunter2");
    }

    @Test
    void neverShowsThePassword() {
        DatabaseConfig config = DatabaseConfig.of("jdbc:mariadb://dmarc:hunter2@db.example.net/dmarc?user=dmarc&password=hunter2", "dmarc",
            "hunter2");

        assertThat(config.toString()).doesNotContain("hunter2").contains("db.example.net");
        assertThat(config.redactedUrl()).isEqualTo("jdbc:mariadb://dmarc:***@db.example.net/dmarc?user=dmarc&password=***");
        assertThat(config.redact("Access denied (using password: hunter2)")).doesNotContain("hunter2");
    }
}
