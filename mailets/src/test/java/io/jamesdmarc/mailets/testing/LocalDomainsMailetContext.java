package io.jamesdmarc.mailets.testing;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.mailet.HostAddress;
import org.apache.mailet.LookupException;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMailContext;
import org.slf4j.Logger;

/**
 * James's {@link FakeMailContext} (it captures what mailets send) with a set of local domains, so
 * that {@code RecipientIsLocal} and {@code HostIsLocal} route mail as a server for those domains does.
 */
final class LocalDomainsMailetContext implements MailetContext {

    private final FakeMailContext delegate;
    private final Set<String> localDomains;

    LocalDomainsMailetContext(FakeMailContext delegate, Collection<String> localDomains) {
        this.delegate = delegate;
        this.localDomains = localDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    FakeMailContext delegate() {
        return delegate;
    }

    @Override
    public boolean isLocalServer(Domain domain) {
        return localDomains.contains(domain.asString().toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean isLocalEmail(MailAddress mailAddress) {
        return mailAddress != null && isLocalServer(mailAddress.getDomain());
    }

    @Override
    @Deprecated
    public boolean isLocalUser(String userAccount) {
        return userAccount != null && userAccount.contains("@") && localDomains.contains(
            userAccount.substring(userAccount.indexOf('@') + 1).toLowerCase(Locale.ROOT));
    }

    @Override
    public MailAddress getPostmaster() {
        return delegate.getPostmaster();
    }

    @Override
    public void bounce(Mail mail, String message) throws MessagingException {
        delegate.bounce(mail, message);
    }

    @Override
    public void bounce(Mail mail, String message, MailAddress bouncer) throws MessagingException {
        delegate.bounce(mail, message, bouncer);
    }

    @Override
    @Deprecated
    public Collection<String> getMailServers(Domain host) {
        return delegate.getMailServers(host);
    }

    @Override
    public Object getAttribute(String name) {
        return delegate.getAttribute(name);
    }

    @Override
    public Iterator<String> getAttributeNames() {
        return delegate.getAttributeNames();
    }

    @Override
    public int getMajorVersion() {
        return delegate.getMajorVersion();
    }

    @Override
    public int getMinorVersion() {
        return delegate.getMinorVersion();
    }

    @Override
    public String getServerInfo() {
        return delegate.getServerInfo();
    }

    @Override
    @Deprecated
    public void log(String message) {
        delegate.log(message);
    }

    @Override
    @Deprecated
    public void log(String message, Throwable t) {
        delegate.log(message, t);
    }

    @Override
    public void removeAttribute(String name) {
        delegate.removeAttribute(name);
    }

    @Override
    public void sendMail(MimeMessage msg) throws MessagingException {
        delegate.sendMail(msg);
    }

    @Override
    public void sendMail(MailAddress sender, Collection<MailAddress> recipients, MimeMessage msg) throws MessagingException {
        delegate.sendMail(sender, recipients, msg);
    }

    @Override
    public void sendMail(MailAddress sender, Collection<MailAddress> recipients, MimeMessage msg, String state) throws MessagingException {
        delegate.sendMail(sender, recipients, msg, state);
    }

    @Override
    public void sendMail(Mail mail) throws MessagingException {
        delegate.sendMail(mail);
    }

    @Override
    public void sendMail(Mail mail, long delay, TimeUnit unit) throws MessagingException {
        delegate.sendMail(mail, delay, unit);
    }

    @Override
    public void sendMail(Mail mail, String state) throws MessagingException {
        delegate.sendMail(mail, state);
    }

    @Override
    public void sendMail(Mail mail, String state, long delay, TimeUnit unit) throws MessagingException {
        delegate.sendMail(mail, state, delay, unit);
    }

    @Override
    @Deprecated
    public void setAttribute(String name, Object value) {
        delegate.setAttribute(name, value);
    }

    @Override
    @Deprecated
    public void log(LogLevel level, String message) {
        delegate.log(level, message);
    }

    @Override
    @Deprecated
    public void log(LogLevel level, String message, Throwable t) {
        delegate.log(level, message, t);
    }

    @Override
    public List<String> dnsLookup(String name, RecordType type) throws LookupException {
        return delegate.dnsLookup(name, type);
    }

    @Override
    public Logger getLogger() {
        return delegate.getLogger();
    }

    @Override
    public Iterator<HostAddress> getSMTPHostAddresses(Domain domainName) {
        return delegate.getSMTPHostAddresses(domainName);
    }
}
