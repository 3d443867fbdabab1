package io.jamesdmarc.mailets.testing;

import jakarta.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Base of the stand-ins for James's own mailets that are not on Maven Central (james-server-mailets,
 * JMAP), so that James's sample configuration loads unchanged in a test: same class name, same
 * parameters, and the part of the behaviour that routes mail (a terminal mailet ghosts the mail,
 * {@code passThrough} lets it go on), recording what reached it in the {@link StandInRecorder}.
 * They deliver, bounce and store nothing.
 */
public abstract class StandInMailet extends GenericMailet {

    private final StandInRecorder recorder;

    protected StandInMailet(StandInRecorder recorder) {
        this.recorder = recorder;
    }

    /** Records the mail, then ghosts it unless {@code passThrough} (default {@code passThroughByDefault}) says otherwise. */
    protected void endOfTheLine(Mail mail, String detail, boolean passThroughByDefault) throws MessagingException {
        recorder.record(getClass().getSimpleName(), detail, mail);
        if (!getInitParameter("passThrough", passThroughByDefault)) {
            mail.setState(Mail.GHOST);
        }
    }

    @Override
    public String getMailetInfo() {
        return "test stand-in for James's " + getClass().getSimpleName();
    }
}
