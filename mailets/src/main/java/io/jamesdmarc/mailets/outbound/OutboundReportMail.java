package io.jamesdmarc.mailets.outbound;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.MailetContext;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.mailet.base.GenericMailet;

import io.jamesdmarc.mailets.DmarcAttributes;

/**
 * Sends a report mail the way every james-dmarc reporter does: through the mailet context into the
 * configured processor (the sample's {@code dmarc-reports}: DKIM signing, then remote delivery), with
 * {@link DmarcAttributes#OUTBOUND_REPORT} set, so that {@code DmarcEvaluate} never counts our own
 * reports (no reports about reports). James enqueues it on its spool: {@code sendMail} returning means
 * James has it.
 */
public final class OutboundReportMail {

    private OutboundReportMail() {
    }

    /**
     * @param kind for the mail's name and the attribute's value: {@code aggregate} or {@code failure}
     * @throws MessagingException James did not take the mail (the caller tries again later)
     */
    public static String send(MailetContext context, String processor, String kind, String reportId, String envelopeSender,
                              List<String> recipients, MimeMessage message) throws MessagingException {
        Objects.requireNonNull(context, "context");
        List<MailAddress> addresses = new ArrayList<>(recipients.size());
        for (String recipient : recipients) {
            addresses.add(new MailAddress(recipient));
        }
        String name = "dmarc-" + kind + "-" + reportId.replaceAll("[^A-Za-z0-9.\\-_]", "_") + "-" + MailImpl.getId();
        MailImpl mail = MailImpl.builder().name(name).sender(new MailAddress(envelopeSender)).addRecipients(addresses)
            .mimeMessage(message).addAttribute(new Attribute(DmarcAttributes.OUTBOUND_REPORT, AttributeValue.of(kind))).build();
        try {
            context.sendMail(mail, processor);
        } finally {
            // James's spool queue enqueues a copy (the memory queue duplicates it, the others serialise it), as
            // James's own mailets assume when they dispose of what they sent: undisposed, James logs a leak
            LifecycleUtil.dispose(mail);
        }
        return name;
    }

    /** Checks at {@code init()} that the processor is one reports can go to. */
    public static void requireUsableProcessor(GenericMailet mailet, String key, String processor) throws MessagingException {
        if (processor.isBlank() || processor.equals(org.apache.mailet.Mail.GHOST)) {
            throw new MessagingException(mailet.getMailetName() + ": " + key + " must name a processor, was '" + processor + "'");
        }
    }
}
