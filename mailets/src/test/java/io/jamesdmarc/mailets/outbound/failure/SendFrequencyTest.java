package io.jamesdmarc.mailets.outbound.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SendFrequencyTest {

    @Test
    void countsPerPeriodAndFalse() {
        assertThat(SendFrequency.parse("1 per 1 day")).contains(new SendFrequency(1, Duration.ofDays(1)));
        assertThat(SendFrequency.parse("10 per 6 hours")).contains(new SendFrequency(10, Duration.ofHours(6)));
        assertThat(SendFrequency.parse("5 per hour")).contains(new SendFrequency(5, Duration.ofHours(1)));
        assertThat(SendFrequency.parse("3/2 weeks")).contains(new SendFrequency(3, Duration.ofDays(14)));
        assertThat(SendFrequency.parse(" 2 PER 30 Minutes ")).contains(new SendFrequency(2, Duration.ofMinutes(30)));
        assertThat(SendFrequency.parse("false")).isEmpty();
        assertThat(SendFrequency.DEFAULT).isEqualTo(new SendFrequency(1, Duration.ofDays(1)));
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : new String[] {"often", "0 per day", "1 per 0 days", "1 per 400 days", "per day", "1 per fortnight", "true"}) {
            assertThatThrownBy(() -> SendFrequency.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
