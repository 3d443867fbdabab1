package org.apache.james.transport.mailets;

import jakarta.inject.Inject;
import jakarta.mail.MessagingException;

import org.apache.mailet.Mail;

import io.jamesdmarc.mailets.testing.StandInMailet;
import io.jamesdmarc.mailets.testing.StandInRecorder;

/** Test stand-in for James's ToRepository (james-server-mailets, not on Maven Central): records the mail under its repositoryPath and ghosts it unless passThrough. */
public class ToRepository extends StandInMailet {

    @Inject
    public ToRepository(StandInRecorder recorder) {
        super(recorder);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        endOfTheLine(mail, getInitParameter("repositoryPath", ""), false);
    }
}
