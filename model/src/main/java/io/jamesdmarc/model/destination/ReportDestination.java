package io.jamesdmarc.model.destination;

import java.util.List;
import java.util.Objects;

import io.jamesdmarc.model.policy.ReportUri;

/**
 * The verdict on one requested report URI.
 *
 * @param requested the URI as the policy record lists it
 * @param status whether reports may go there
 * @param mailboxes where to send them when deliverable: the requested mailbox, or the ones the
 *     destination published to override it (same host only); empty otherwise
 * @param detail how the verdict was reached, for logs
 */
public record ReportDestination(ReportUri requested, DestinationStatus status, List<String> mailboxes, String detail) {
    public ReportDestination {
        Objects.requireNonNull(requested, "requested");
        Objects.requireNonNull(status, "status");
        mailboxes = List.copyOf(mailboxes);
        Objects.requireNonNull(detail, "detail");
        if (status.deliverable() == mailboxes.isEmpty()) {
            throw new IllegalArgumentException("mailboxes exactly when deliverable");
        }
    }

    public boolean deliverable() {
        return status.deliverable();
    }
}
