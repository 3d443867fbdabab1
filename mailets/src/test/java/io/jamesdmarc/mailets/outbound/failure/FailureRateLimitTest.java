package io.jamesdmarc.mailets.outbound.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class FailureRateLimitTest {

    @Test
    void countsPerPeriodAndFalse() {
        assertThat(FailureRateLimit.parse("1 per 1 day")).contains(new FailureRateLimit(1, Duration.ofDays(1)));
        assertThat(FailureRateLimit.parse("10 per 6 hours")).contains(new FailureRateLimit(10, Duration.ofHours(6)));
        assertThat(FailureRateLimit.parse("5 per hour")).contains(new FailureRateLimit(5, Duration.ofHours(1)));
        assertThat(FailureRateLimit.parse("3/2 weeks")).contains(new FailureRateLimit(3, Duration.ofDays(14)));
        assertThat(FailureRateLimit.parse(" 2 PER 30 Minutes ")).contains(new FailureRateLimit(2, Duration.ofMinutes(30)));
        assertThat(FailureRateLimit.parse("false")).isEmpty();
        assertThat(FailureRateLimit.DEFAULT).isEqualTo(new FailureRateLimit(1, Duration.ofDays(1)));
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : new String[] {"often", "0 per day", "1 per 0 days", "1 per 400 days", "per day", "1 per fortnight", "true"}) {
            assertThatThrownBy(() -> FailureRateLimit.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
