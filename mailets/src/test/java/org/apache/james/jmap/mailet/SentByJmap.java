package org.apache.james.jmap.mailet;

import java.util.Collection;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/** Test stand-in for James's SentByJmap (JMAP, not on Maven Central): no JMAP client sends in a test. */
public class SentByJmap extends GenericMatcher {

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return List.of();
    }
}
