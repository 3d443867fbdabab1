package io.jamesdmarc.mailets.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.mailet.Mail;
import org.apache.mailet.StorageDirective;

/**
 * What reached the stand-ins for James's own mailets (LocalDelivery, ToRepository, Bounce...) in a
 * {@link JamesPipeline}: which mail, in which processor, for whom, with which bytes. Thread-safe.
 */
public final class StandInRecorder {

    /**
     * One mail as a stand-in saw it.
     *
     * @param standIn the stand-in's simple class name, e.g. {@code LocalDelivery}
     * @param detail what the stand-in was configured with that tells it apart (ToRepository's repositoryPath), or empty
     * @param message the mail's bytes as the stand-in got them; empty when the recorder keeps none
     * @param folders for each recipient, the mailbox folders James's storage directives name (set by
     *     {@code WithStorageDirective}, read by {@code LocalDelivery}); {@value #INBOX} when none does
     */
    public record Seen(String standIn, String detail, String mailName, String state, List<String> recipients, byte[] message,
                       Map<String, List<String>> folders) {
        @Override
        public String toString() {
            return standIn + (detail.isEmpty() ? "" : "(" + detail + ")") + " " + mailName + " in " + state + " to " + recipients;
        }
    }

    /** Where LocalDelivery puts a mail no storage directive sends elsewhere. */
    public static final String INBOX = "INBOX";

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final boolean keepMessages;

    /** @param keepMessages whether to keep each mail's bytes (a benchmark measures the pipeline, not this copy) */
    public StandInRecorder(boolean keepMessages) {
        this.keepMessages = keepMessages;
    }

    public void record(String standIn, String detail, Mail mail) throws MessagingException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (keepMessages) {
                mail.getMessage().writeTo(bytes);
            }
        } catch (IOException e) {
            throw new MessagingException("cannot read " + mail.getName(), e);
        }
        Map<String, List<String>> folders = new LinkedHashMap<>();
        for (MailAddress recipient : mail.getRecipients()) {
            folders.put(recipient.asString(), StorageDirective.fromMail(Username.of(recipient.asString()), mail).getTargetFolders()
                .map(List::copyOf).orElse(List.of(INBOX)));
        }
        seen.add(new Seen(standIn, detail, mail.getName(), mail.getState(),
            mail.getRecipients().stream().map(MailAddress::asString).toList(), bytes.toByteArray(), Map.copyOf(folders)));
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    public List<Seen> seen(String standIn) {
        return seen.stream().filter(s -> s.standIn().equals(standIn)).toList();
    }

    public void clear() {
        seen.clear();
    }
}
