package io.jamesdmarc.storage.outbound;

/**
 * Hands report mails over for delivery: into a James processor (the mailet), to an SMTP relay, or
 * into files ({@code dmarc reports send --dry-run}).
 */
@FunctionalInterface
public interface ReportSender {

    /**
     * @throws Exception it was not handed over; the report is tried again later, with the same id
     */
    void send(OutgoingReport report) throws Exception;
}
