package io.jamesdmarc.storage.ingest;

import java.util.Objects;

/**
 * A received message once recorded ({@link ReportStore#recordMessage}): what the reports found in
 * it link to.
 *
 * @param id the {@code received_messages.id}
 * @param description for logs, e.g. {@code mail Mail1718-7 <abc@example.com>}
 */
public record ReceivedMessageRef(long id, String description) {
    public ReceivedMessageRef {
        Objects.requireNonNull(description, "description");
    }

    @Override
    public String toString() {
        return "message #" + id + " (" + description + ")";
    }
}
