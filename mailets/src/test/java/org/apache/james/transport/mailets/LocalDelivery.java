package org.apache.james.transport.mailets;

import jakarta.inject.Inject;
import jakarta.mail.MessagingException;

import org.apache.mailet.Mail;

import io.jamesdmarc.mailets.testing.StandInMailet;
import io.jamesdmarc.mailets.testing.StandInRecorder;

/** Test stand-in for James's LocalDelivery (james-server-mailets, not on Maven Central): records the mail as delivered to the local mailboxes and ghosts it. */
public class LocalDelivery extends StandInMailet {

    @Inject
    public LocalDelivery(StandInRecorder recorder) {
        super(recorder);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        endOfTheLine(mail, "", false);
    }
}
