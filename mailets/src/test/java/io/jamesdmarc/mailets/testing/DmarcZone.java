package io.jamesdmarc.mailets.testing;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.jamesdmarc.model.testing.DkimTestKey;
import io.jamesdmarc.model.testing.LoopbackDnsServer;

/**
 * The DNS of the senders in DMARC evaluation tests: a real DNS server on loopback holding the
 * DMARC, SPF and DKIM key records of a few domains, each with the policy its name says, and DKIM
 * keys to sign their mail with. The SMTP client of {@link InboundMail} ({@value InboundMail#REMOTE_ADDRESS})
 * is in every domain's SPF record; {@value #FORWARDER_ADDRESS} is in none.
 *
 * <pre>
 * try (DmarcZone zone = DmarcZone.start()) {
 *     byte[] signed = zone.sign(DmarcZone.message("alice@" + DmarcZone.REJECT, "id-1@example.org"), DmarcZone.REJECT);
 *     ... "dns.servers = " + zone.dnsServers()
 * }
 * </pre>
 */
public final class DmarcZone implements AutoCloseable {

    /** {@code p=reject}, DKIM key at {@value #SELECTOR}. */
    public static final String REJECT = "example.org";
    /** {@code p=quarantine}, DKIM key at {@value #SELECTOR}. */
    public static final String QUARANTINE = "quarantine.example";
    /** {@code p=none}, DKIM key at {@value #SELECTOR}. */
    public static final String NONE = "none.example";
    /** {@code p=reject; t=y}: test mode, applied as quarantine. */
    public static final String TESTING = "testing.example";
    /** No DMARC record. */
    public static final String NO_POLICY = "nopolicy.example";
    /** Its DNS server does not answer for its DMARC record (a timeout). */
    public static final String UNREACHABLE = "unreachable.example";
    /** A mailing list or forwarder re-sending mail from its own address, in no sender's SPF record. */
    public static final String FORWARDER_ADDRESS = "203.0.113.50";
    public static final String SELECTOR = "sel";

    private final LoopbackDnsServer dns;
    private final Map<String, DkimTestKey> keys;

    private DmarcZone(LoopbackDnsServer dns, Map<String, DkimTestKey> keys) {
        this.dns = dns;
        this.keys = keys;
    }

    public static DmarcZone start() {
        String spf = "\"v=spf1 ip4:" + InboundMail.REMOTE_ADDRESS + " -all\"";
        LoopbackDnsServer dns = LoopbackDnsServer.start("""
            _dmarc.%1$s.  TXT "v=DMARC1; p=reject; rua=mailto:dmarc@%1$s; ruf=mailto:dmarc-fail@%1$s; fo=1"
            %1$s.         TXT %6$s
            _dmarc.%2$s.  TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@%2$s"
            %2$s.         TXT %6$s
            _dmarc.%3$s.  TXT "v=DMARC1; p=none; rua=mailto:dmarc@%3$s"
            %3$s.         TXT %6$s
            _dmarc.%4$s.  TXT "v=DMARC1; p=reject; t=y; rua=mailto:dmarc@%4$s"
            %4$s.         TXT %6$s
            %5$s.         TXT %6$s
            """.formatted(REJECT, QUARANTINE, NONE, TESTING, NO_POLICY, spf));
        dns.failWith("_dmarc." + UNREACHABLE, LoopbackDnsServer.Fault.DROP);
        Map<String, DkimTestKey> keys = Map.of(REJECT, DkimTestKey.generate(2048), QUARANTINE, DkimTestKey.generate(2048),
            NONE, DkimTestKey.generate(2048));
        keys.forEach((domain, key) -> key.publish(dns, SELECTOR, domain));
        return new DmarcZone(dns, keys);
    }

    /** The {@code dns.servers} setting that points at this zone. */
    public String dnsServers() {
        return "127.0.0.1:" + dns.address().getPort();
    }

    public LoopbackDnsServer dns() {
        return dns;
    }

    /** The DKIM key of {@link #REJECT}, {@link #QUARANTINE} or {@link #NONE}, published at {@value #SELECTOR}. */
    public DkimTestKey key(String domain) {
        DkimTestKey key = keys.get(domain);
        if (key == null) {
            throw new IllegalArgumentException("no DKIM key for " + domain);
        }
        return key;
    }

    /** The message signed by {@code domain}'s key (jdkim's own signer, relaxed/relaxed, rsa-sha256). */
    public byte[] sign(byte[] message, String domain) {
        return key(domain).sign(message, domain, SELECTOR);
    }

    /** A plain text message as a mail client writes it, CRLF line ends, with a Message-ID and a MIME-Version. */
    public static byte[] message(String from, String messageId) {
        return ("From: " + from + "\r\n"
            + "To: bob@example.com\r\n"
            + "Subject: Invoice " + messageId + "\r\n"
            + "Date: Mon, 1 Jun 2026 08:00:00 +0000\r\n"
            + "Message-ID: <" + messageId + ">\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "\r\n"
            + "Please find the invoice below.\r\n"
            + "Best regards\r\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        dns.close();
    }
}
