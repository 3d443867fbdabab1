package io.jamesdmarc.storage.outbound;

import java.util.Arrays;
import java.util.Locale;

/** Where an outbound aggregate report stands ({@code outbound_aggregate_reports.state}). */
public enum OutboundReportState {
    /** A reporter is building it (its lease says until when). */
    CLAIMED,
    /** Handed to James (or the SMTP relay); the state is set to sent once that succeeded. */
    SENDING,
    /** Sent: never sent again. */
    SENT,
    /** The last attempt failed; tried again at {@code next_attempt_at}, with the same id and file name. */
    FAILED,
    /** No destination may receive it (no mailto rua, none verified): nothing sent, the evaluations count as reported. */
    UNDELIVERABLE;

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OutboundReportState of(String token) {
        return Arrays.stream(values()).filter(s -> s.token().equals(token)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("unknown outbound report state " + token));
    }

    /** Whether the report is done with: sent, or with nowhere to go. */
    public boolean finished() {
        return this == SENT || this == UNDELIVERABLE;
    }
}
