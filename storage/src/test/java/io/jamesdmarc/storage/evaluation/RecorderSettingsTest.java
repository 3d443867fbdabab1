package io.jamesdmarc.storage.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The recorder's settings from dmarc.properties: defaults for what is left out, errors naming the key. */
class RecorderSettingsTest {

    @Test
    void leftOutKeysTakeTheirDefaults() {
        RecorderSettings settings = RecorderSettings.fromProperties(new Properties());

        assertThat(settings).isEqualTo(RecorderSettings.defaults(Path.of("var/james-dmarc/evaluation-spool")));
        assertThat(settings.queueCapacity()).isEqualTo(10_000);
        assertThat(settings.batchSize()).isEqualTo(500);
        assertThat(settings.batchDelay()).isEqualTo(Duration.ofMillis(200));
        assertThat(settings.writerThreads()).isEqualTo(2);
        assertThat(settings.spoolFileBytes()).isEqualTo(64L << 20);
        assertThat(settings.retryInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.closeTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void everyKeyIsRead() {
        Properties properties = new Properties();
        properties.setProperty("evaluations.spoolDirectory", " /var/spool/dmarc ");
        properties.setProperty("evaluations.queueCapacity", "2000");
        properties.setProperty("evaluations.batchSize", "250");
        properties.setProperty("evaluations.batchDelayMillis", "50");
        properties.setProperty("evaluations.writerThreads", "3");
        properties.setProperty("evaluations.spoolFileMegabytes", "8");
        properties.setProperty("evaluations.retrySeconds", "10");
        properties.setProperty("evaluations.closeTimeoutSeconds", "5");

        assertThat(RecorderSettings.fromProperties(properties)).isEqualTo(new RecorderSettings(Path.of("/var/spool/dmarc"), 2000, 250,
            Duration.ofMillis(50), 3, 8L << 20, Duration.ofSeconds(10), Duration.ofSeconds(5)));
    }

    @Test
    void aBadValueIsRefusedNamingItsKey() {
        Properties notANumber = new Properties();
        notANumber.setProperty("evaluations.batchSize", "lots");
        Properties zero = new Properties();
        zero.setProperty("evaluations.queueCapacity", "0");

        assertThatThrownBy(() -> RecorderSettings.fromProperties(notANumber)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("evaluations.batchSize must be a whole number, was 'lots'");
        assertThatThrownBy(() -> RecorderSettings.fromProperties(zero)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("evaluations.queueCapacity must be between 1 and 10000000, was 0");
    }
}
