package org.apache.james.transport.matchers;

import java.util.Collection;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/** Test stand-in for James's IsSenderInRRTLoop (james-server-mailets, not on Maven Central): no rewriting rules, so no loop. */
public class IsSenderInRRTLoop extends GenericMatcher {

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return List.of();
    }
}
