package io.jamesdmarc.model.evaluation.auth;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.apache.james.jspf.core.DNSLookupContinuation;
import org.apache.james.jspf.core.DNSServiceEnabled;
import org.apache.james.jspf.core.MacroExpand;
import org.apache.james.jspf.core.MacroExpandEnabled;
import org.apache.james.jspf.core.SPF1Utils;
import org.apache.james.jspf.core.SPFCheckEnabled;
import org.apache.james.jspf.core.SPFChecker;
import org.apache.james.jspf.core.SPFCheckerExceptionCatcher;
import org.apache.james.jspf.core.SPFSession;
import org.apache.james.jspf.core.exceptions.SPFResultException;
import org.apache.james.jspf.executor.FutureSPFResult;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.impl.SPF;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.apache.james.jspf.wiring.WiringServiceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.net.InetAddresses;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DomainNames;
import io.jamesdmarc.model.evaluation.SpfCheck;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

/**
 * Checks SPF (RFC 7208) for DMARC with Apache jSPF, over our DNS resolver: the MAIL FROM domain,
 * or the HELO name when the reverse-path is null (RFC 9989 section 4.4). A DNS timeout or SERVFAIL
 * gives temperror. Or takes the result James's {@code SPF} mailet already computed.
 *
 * <p>jSPF is wired as James's {@code SPF} mailet wires it (synchronous executor), with our own
 * result handler, so that a permerror or temperror keeps jSPF's reason rather than a logged stack
 * trace. Explanations ({@code exp=}) are not fetched: DMARC does not use them. Thread-safe.
 *
 * <p>jSPF logs every matching directive at INFO, as under James's own SPF mailet: set the logger
 * {@code org.apache.james.jspf} to WARN in James's {@code logback.xml}.
 */
public final class SpfVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(SpfVerifier.class);
    private static final String POSTMASTER = "postmaster@";
    private static final String REASON = SpfVerifier.class.getName() + ".reason";

    private final SPF spf;
    private final SynchronousSPFExecutor executor;

    public SpfVerifier(DnsResolver dns) {
        SpfDnsService dnsService = new SpfDnsService(Objects.requireNonNull(dns, "dns"));
        WiringServiceTable wiring = new WiringServiceTable();
        wiring.put(DNSServiceEnabled.class, dnsService);
        MacroExpand macroExpand = new MacroExpand(dnsService);
        wiring.put(MacroExpandEnabled.class, macroExpand);
        RFC4408SPF1Parser parser = new RFC4408SPF1Parser(new DefaultTermsFactory(wiring));
        this.executor = new SynchronousSPFExecutor(dnsService);
        this.spf = new SPF(dnsService, parser, macroExpand, executor);
        // terms are wired when records are parsed, after this: include: needs the checker itself
        wiring.put(SPFCheckEnabled.class, spf);
    }

    /**
     * Checks SPF for a message.
     *
     * @param client the connecting SMTP client
     * @param helo the HELO/EHLO name, when known
     * @param mailFrom the MAIL FROM address; empty for the null reverse-path
     * @return the result, empty when there is nothing to check (null reverse-path and no HELO name)
     */
    public Optional<SpfCheck> check(InetAddress client, Optional<String> helo, Optional<String> mailFrom) {
        Optional<Identity> found = identity(helo, mailFrom);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Identity identity = found.get();
        if (!identity.checkable()) {
            // RFC 7208 section 4.3: a malformed or single-label domain gives none
            return Optional.of(new SpfCheck(SpfResult.NONE, identity.domain(), identity.scope(),
                Optional.of(identity.domain() + " is not a domain name SPF can check")));
        }
        String ip = InetAddresses.toAddrString(client);
        SPFSession session = new SPFSession(identity.scope() == SpfScope.MFROM ? mailFrom.orElseThrow() : "",
            helo.orElse(""), ip);
        session.setIgnoreExplanation(true);
        session.pushChecker(new ResultHandler());
        session.pushChecker(spf);
        executor.execute(session, new FutureSPFResult());
        SpfResult result = Enumerated.parse(SpfResult.class, session.getCurrentResultExpanded()).value()
            .orElse(SpfResult.PERMERROR);
        Optional<String> reason = Optional.ofNullable((String) session.getAttribute(REASON));
        SpfCheck check = new SpfCheck(result, identity.domain(), identity.scope(),
            humanResult(result, identity.domain(), ip, reason));
        LOG.debug("SPF {} for {} ({}) from {}", result.token(), identity.domain(), identity.scope().token(), ip);
        return Optional.of(check);
    }

    /**
     * The result James's {@code SPF} mailet left in the attribute
     * {@code org.apache.james.transport.mailets.spf.result}, for the same identity as {@link #check} uses
     * (the mailet asks jSPF with the same MAIL FROM and HELO).
     *
     * @return empty when {@code result} is not an SPF result or there is no identity to report
     */
    public static Optional<SpfCheck> fromJamesResult(String result, Optional<String> helo, Optional<String> mailFrom) {
        Optional<SpfResult> known = Enumerated.parse(SpfResult.class, result).value();
        if (known.isEmpty()) {
            LOG.info("James's SPF result '{}' is not an SPF result: checking SPF again", result);
            return Optional.empty();
        }
        return identity(helo, mailFrom).map(identity -> new SpfCheck(known.get(), identity.domain(), identity.scope(),
            known.get() == SpfResult.PASS ? Optional.empty() : Optional.of("as found by James's SPF mailet")));
    }

    private static Optional<String> humanResult(SpfResult result, String domain, String ip, Optional<String> reason) {
        return switch (result) {
            case PASS -> Optional.empty();
            case FAIL -> Optional.of(domain + " does not designate " + ip + " as permitted sender");
            case SOFTFAIL -> Optional.of(domain + " does not designate " + ip + " as permitted sender (softfail)");
            case NEUTRAL -> Optional.of(domain + " neither permits nor denies " + ip);
            case NONE -> Optional.of(reason.orElse("no SPF record for " + domain));
            case TEMPERROR -> Optional.of("DNS failure: " + reason.orElse("checking " + domain));
            case PERMERROR -> Optional.of("SPF record error: " + reason.orElse("checking " + domain));
            case POLICY -> Optional.of(reason.orElse("refused by local policy"));
        };
    }

    /**
     * What SPF checks: the MAIL FROM domain, or {@code postmaster@<HELO>} for a null reverse-path
     * (RFC 7208 section 2.4).
     */
    private static Optional<Identity> identity(Optional<String> helo, Optional<String> mailFrom) {
        Optional<String> sender = mailFrom.map(String::strip).filter(m -> !m.isEmpty() && !m.equals("<>"));
        if (sender.isPresent()) {
            String address = sender.get();
            return Optional.of(new Identity(domainName(address.substring(address.lastIndexOf('@') + 1)), SpfScope.MFROM));
        }
        return helo.map(String::strip).filter(h -> !h.isEmpty()).map(h -> new Identity(domainName(h), SpfScope.HELO));
    }

    private static String domainName(String text) {
        return DomainNames.normalize(text).orElse(text.strip().toLowerCase(Locale.ROOT));
    }

    /** The domain SPF is asked about and how it was chosen. */
    private record Identity(String domain, SpfScope scope) {
        boolean checkable() {
            return DomainNames.normalize(domain).isPresent() && domain.indexOf('.') > 0;
        }
    }

    /** Sets the final result, keeping the reason of a result an exception carried (none, permerror, temperror). */
    private static final class ResultHandler implements SPFChecker, SPFCheckerExceptionCatcher {
        @Override
        public DNSLookupContinuation checkSPF(SPFSession session) {
            if (session.getCurrentResultExpanded() == null) {
                String result = session.getCurrentResult() != null ? session.getCurrentResult() : "";
                session.setCurrentResultExpanded(SPF1Utils.resultToName(result));
            }
            return null;
        }

        @Override
        public void onException(Exception exception, SPFSession session) {
            if (exception instanceof SPFResultException result) {
                session.setCurrentResultExpanded(result.getResult());
            } else {
                LOG.warn("SPF check of {} failed unexpectedly", session.getCurrentDomain(), exception);
                session.setCurrentResultExpanded(SpfResult.TEMPERROR.token());
            }
            session.setAttribute(REASON, exception.getMessage());
        }
    }
}
