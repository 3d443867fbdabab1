package io.jamesdmarc.model.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.exceptions.FailException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

/**
 * An RSA key pair made for a test: signs messages with jdkim's own signer and publishes its
 * public key record in a {@link LoopbackDnsServer}.
 *
 * <pre>{@code
 * DkimTestKey key = DkimTestKey.generate(2048);
 * key.publish(dns, "sel", "example.com");
 * byte[] signed = key.sign(message, "example.com", "sel");
 * }</pre>
 */
public final class DkimTestKey {
    private static final int TXT_STRING_MAX = 255;

    private final KeyPair keys;

    private DkimTestKey(KeyPair keys) {
        this.keys = keys;
    }

    public static DkimTestKey generate(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return new DkimTestKey(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no RSA in this JDK", e);
        }
    }

    /** The key record to publish at {@code <selector>._domainkey.<domain>}. */
    public String keyRecord() {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    /**
     * The private key in PEM (PKCS #8, {@code -----BEGIN PRIVATE KEY-----}), as a signer configured
     * with a key file takes it (James's {@code DKIMSign}: {@code privateKey} or {@code privateKeyFilepath}).
     */
    public String privateKeyPem() {
        return "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    }

    /** Publishes {@link #keyRecord()} for the selector and domain, split in strings of 255 characters as DNS needs. */
    public DkimTestKey publish(LoopbackDnsServer dns, String selector, String domain) {
        publish(dns, selector, domain, keyRecord());
        return this;
    }

    /** Publishes any text as the key record of the selector and domain. */
    public static void publish(LoopbackDnsServer dns, String selector, String domain, String record) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < record.length(); i += TXT_STRING_MAX) {
            strings.add(record.substring(i, Math.min(record.length(), i + TXT_STRING_MAX)));
        }
        try {
            dns.add(new TXTRecord(Name.fromString(selector + "._domainkey." + domain + "."), DClass.IN, 300, strings));
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + selector + "._domainkey." + domain, e);
        }
    }

    /** Signs with rsa-sha256, relaxed/relaxed, From, To, Subject, Date and Message-ID signed. */
    public byte[] sign(byte[] message, String domain, String selector) {
        return sign(message, "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector
            + "; h=from:to:subject:date:message-id; bh=; b=;");
    }

    /** Signs with a jdkim signature template ({@code bh=; b=;} are filled in), the new field on top. */
    public byte[] sign(byte[] message, String template) {
        try {
            String field = new DKIMSigner(template, keys.getPrivate()).sign(new ByteArrayInputStream(message));
            byte[] header = (field + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] signed = new byte[header.length + message.length];
            System.arraycopy(header, 0, signed, 0, header.length);
            System.arraycopy(message, 0, signed, header.length, message.length);
            return signed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (FailException e) {
            throw new IllegalStateException("jdkim could not sign: " + e.getMessage(), e);
        }
    }
}
