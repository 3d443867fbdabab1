package org.apache.james.transport.mailets;

import java.util.List;
import java.util.Optional;

import jakarta.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.mailet.Mail;
import org.apache.mailet.StorageDirective;
import org.apache.mailet.base.GenericMailet;

import com.google.common.base.Splitter;

/**
 * Test stand-in for James's WithStorageDirective (james-server-mailets, not on Maven Central): sets
 * James's own storage directive attributes ({@link StorageDirective}, mailet API) for each recipient,
 * naming the folders of {@code targetFolderNames} or {@code targetFolderName}, as the real one does
 * on a server whose user names are e-mail addresses (James's default, virtual hosting). The
 * LocalDelivery stand-in records them.
 */
public class WithStorageDirective extends GenericMailet {

    private StorageDirective directive;

    @Override
    public void init() throws MessagingException {
        Optional<List<String>> folders = getInitParameterAsOptional("targetFolderNames")
            .map(names -> Splitter.on(',').omitEmptyStrings().trimResults().splitToList(names))
            .or(() -> getInitParameterAsOptional("targetFolderName").map(List::of));
        if (folders.isEmpty()) {
            throw new MessagingException("WithStorageDirective stand-in: targetFolderName(s) needed");
        }
        directive = StorageDirective.builder().targetFolders(folders).build();
    }

    @Override
    public void service(Mail mail) {
        for (MailAddress recipient : mail.getRecipients()) {
            directive.encodeAsAttributes(Username.of(recipient.asString())).forEach(mail::setAttribute);
        }
    }

    @Override
    public String getMailetInfo() {
        return "test stand-in for James's WithStorageDirective";
    }
}
