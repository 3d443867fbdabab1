package org.apache.james.transport.mailets;

import jakarta.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/** Test stand-in for James's Sieve (james-server-mailets, not on Maven Central): lets every mail go on unchanged. */
public class Sieve extends GenericMailet {

    @Override
    public void service(Mail mail) throws MessagingException {
        // nothing to do in a test: no Sieve script is set
    }

    @Override
    public String getMailetInfo() {
        return "test stand-in for James's Sieve";
    }
}
