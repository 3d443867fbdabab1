package io.jamesdmarc.mailets.receive;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import io.jamesdmarc.model.unpack.ExtractionResult.UnreadablePart;
import io.jamesdmarc.storage.ingest.IngestOutcome;
import io.jamesdmarc.storage.ingest.ReceivedMessageRef;

/**
 * What storing one report mail did: the reports it carried, each stored or found stored before, and
 * what could not be read, kept with the whole mail's bytes as a rejected input.
 *
 * @param message the received message the reports are linked to
 * @param rejected the rejected input that keeps the mail, when anything in it could not be read
 * @param unreadable the parts that could not be read (empty when the mail held no report at all: see {@code rejected})
 */
public record Receipt(ReceivedMessageRef message, List<StoredReport> reports, Optional<IngestOutcome> rejected,
                      List<UnreadablePart> unreadable) {

    public Receipt {
        Objects.requireNonNull(message, "message");
        reports = List.copyOf(reports);
        Objects.requireNonNull(rejected, "rejected");
        unreadable = List.copyOf(unreadable);
    }

    /** Every report in the mail is in the store, and nothing in it was unreadable. */
    public boolean complete() {
        return rejected.isEmpty() && !reports.isEmpty();
    }

    public long count(IngestOutcome.Status status) {
        return reports.stream().filter(report -> report.outcome().status() == status).count();
    }

    /** For the log: each report and its outcome, then what was kept unread. */
    public String describe() {
        String text = reports.stream().map(StoredReport::toString).collect(Collectors.joining("; "));
        if (rejected.isPresent()) {
            String kept = "kept as rejected input #" + rejected.get().id() + (rejected.get().duplicate() ? " (kept before)" : "")
                + " (" + rejected.get().description() + ")";
            text = text.isEmpty() ? "no report read, " + kept : text + "; " + kept;
        }
        return text;
    }
}
