package io.jamesdmarc.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import jakarta.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import com.google.common.base.Splitter;

/**
 * Matches every recipient of a mail whose attribute holds one of the tokens of the condition
 * ({@code Matcher=token1,token2}); the tokens are checked in {@code init()}. Thread-safe.
 */
abstract class AttributeTokenMatcher extends GenericMatcher {

    private final AttributeName attribute;
    private final List<String> known;
    private Set<String> wanted = Set.of();

    AttributeTokenMatcher(AttributeName attribute, List<String> known) {
        this.attribute = attribute;
        this.known = known;
    }

    @Override
    public void init() throws MessagingException {
        String condition = getCondition() == null ? "" : getCondition();
        Set<String> tokens = new TreeSet<>();
        for (String token : Splitter.on(',').trimResults().omitEmptyStrings().split(condition)) {
            String lower = token.toLowerCase(Locale.ROOT);
            if (!known.contains(lower)) {
                throw new MessagingException(getClass().getSimpleName() + ": unknown value '" + token + "' in '"
                    + getClass().getSimpleName() + "=" + condition + "'; known: " + String.join(", ", known));
            }
            tokens.add(lower);
        }
        if (tokens.isEmpty()) {
            throw new MessagingException(getClass().getSimpleName() + " needs a condition, e.g. " + getClass().getSimpleName() + "="
                + known.get(known.size() - 1) + " (any of " + String.join(", ", known) + ", separated by commas)");
        }
        wanted = Set.copyOf(tokens);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return AttributeUtils.getValueAndCastFromMail(mail, attribute, String.class)
            .filter(value -> wanted.contains(value.toLowerCase(Locale.ROOT)))
            .map(value -> mail.getRecipients())
            .orElse(List.of());
    }

    @Override
    public String getMatcherInfo() {
        return "james-dmarc: mail whose " + attribute.asString() + " is one of " + wanted;
    }
}
