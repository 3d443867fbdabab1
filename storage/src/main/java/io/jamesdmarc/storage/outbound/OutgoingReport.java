package io.jamesdmarc.storage.outbound;

import java.util.List;

import jakarta.mail.internet.MimeMessage;

import io.jamesdmarc.model.outbound.ReportPart;
import io.jamesdmarc.model.outbound.ReportPeriod;

/**
 * One report mail to send: the report (a part of the period's report when it was split), its mail,
 * the envelope.
 *
 * @param parts how many parts the period's report has
 */
public record OutgoingReport(String policyDomain, ReportPeriod period, ReportPart part, int parts, MimeMessage message,
                             String envelopeSender, List<String> recipients) {
    public OutgoingReport {
        recipients = List.copyOf(recipients);
    }
}
