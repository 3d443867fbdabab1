package org.apache.james.transport.mailets;

import jakarta.inject.Inject;
import jakarta.mail.MessagingException;

import org.apache.mailet.Mail;

import io.jamesdmarc.mailets.testing.StandInMailet;
import io.jamesdmarc.mailets.testing.StandInRecorder;

/** Test stand-in for James's RemoteDelivery (james-server-mailets, not on Maven Central): records the mail as queued for remote delivery and ghosts it. */
public class RemoteDelivery extends StandInMailet {

    @Inject
    public RemoteDelivery(StandInRecorder recorder) {
        super(recorder);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        endOfTheLine(mail, getInitParameter("outgoingQueue", "outgoing"), false);
    }
}
