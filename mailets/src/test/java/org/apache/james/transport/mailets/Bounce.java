package org.apache.james.transport.mailets;

import jakarta.inject.Inject;
import jakarta.mail.MessagingException;

import org.apache.mailet.Mail;

import io.jamesdmarc.mailets.testing.StandInMailet;
import io.jamesdmarc.mailets.testing.StandInRecorder;

/** Test stand-in for James's Bounce (james-server-mailets, not on Maven Central): records the mail as bounced to its sender and lets it go on unless passThrough is false (James's default: true). */
public class Bounce extends StandInMailet {

    @Inject
    public Bounce(StandInRecorder recorder) {
        super(recorder);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        endOfTheLine(mail, "", true);
    }
}
