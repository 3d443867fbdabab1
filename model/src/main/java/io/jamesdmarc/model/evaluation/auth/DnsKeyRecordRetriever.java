package io.jamesdmarc.model.evaluation.auth;

import java.util.List;
import java.util.Locale;

import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;

import io.jamesdmarc.model.dns.DnsAnswer;
import io.jamesdmarc.model.dns.DnsResolver;

/**
 * DKIM public keys from {@code <selector>._domainkey.<domain>} TXT records (RFC 6376 section
 * 3.6.2), asked through our resolver so that a DNS timeout or SERVFAIL is a temporary failure
 * (temperror), never "no key" (permerror) as it would be through James's {@code DNSService}.
 * Stateless, thread-safe.
 */
final class DnsKeyRecordRetriever implements PublicKeyRecordRetriever {
    private static final String DNS_TXT = "dns/txt";

    private final DnsResolver dns;

    DnsKeyRecordRetriever(DnsResolver dns) {
        this.dns = dns;
    }

    @Override
    public List<String> getRecords(CharSequence methodAndOption, CharSequence selector, CharSequence token)
        throws TempFailException, PermFailException {
        if (!DNS_TXT.equals(methodAndOption.toString().strip().toLowerCase(Locale.ROOT))) {
            throw new PermFailException("unsupported key query method " + methodAndOption);
        }
        String name = selector + "._domainkey." + token;
        DnsAnswer answer = dns.txt(name);
        return switch (answer.status()) {
            case FOUND -> answer.records();
            // jdkim turns "no record" into PERMFAIL (no key for signature), as RFC 6376 section 6.1.2 asks
            case NXDOMAIN, NO_DATA -> List.of();
            case INVALID_NAME -> throw new PermFailException("no key for signature: " + name + " is not a DNS name");
            case TEMPFAIL -> throw new TempFailException("key unavailable: " + name + ": " + answer.detail());
        };
    }
}
