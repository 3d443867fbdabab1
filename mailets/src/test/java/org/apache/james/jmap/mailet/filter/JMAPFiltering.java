package org.apache.james.jmap.mailet.filter;

import jakarta.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/** Test stand-in for James's JMAPFiltering (JMAP, not on Maven Central): lets every mail go on unchanged. */
public class JMAPFiltering extends GenericMailet {

    @Override
    public void service(Mail mail) throws MessagingException {
        // nothing to do in a test: no JMAP filter is set
    }

    @Override
    public String getMailetInfo() {
        return "test stand-in for James's JMAPFiltering";
    }
}
