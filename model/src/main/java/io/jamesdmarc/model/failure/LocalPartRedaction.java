package io.jamesdmarc.model.failure;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Hides the local parts of mail addresses in the failure reports this server sends (the privacy
 * advice of RFC 6590, which RFC 9991 encourages): {@code bob@example.net} becomes
 * {@code redacted@example.net}, or, with a secret key, {@code redacted-3f9a0c1e5b7d2a48@example.net}:
 * a keyed hash (HMAC-SHA256, first 64 bits) that stays the same for one address across reports, so
 * the Domain Owner can tell one victim from many without learning who they are. Domains are kept:
 * they say where the spoof went, not to whom.
 *
 * <p>{@link Scope#RECIPIENTS} hides this server's recipients: Original-Rcpt-To, and each RCPT TO
 * address wherever it appears in the reported header (To, Cc, Delivered-To, Received "for"...).
 * {@link Scope#ALL} also hides Original-Mail-From and every address in the address header fields
 * (From, Sender, Reply-To, To, Cc, Bcc, Return-Path, Delivered-To, Resent-*, Received).
 * Message-ID, References and the like are identifiers, not addresses, and are kept. Immutable; thread-safe.
 */
public final class LocalPartRedaction {

    /** What is hidden. */
    public enum Scope {
        /** Nothing: addresses are reported as they were received. */
        NONE("none"),
        /** This server's recipients (RCPT TO), wherever they appear. */
        RECIPIENTS("recipients"),
        /** Every address: recipients, MAIL FROM, and the address header fields. */
        ALL("all");

        private final String token;

        Scope(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }

        /** The scope named {@code token} ({@code none}, {@code recipients}, {@code all}). */
        public static Optional<Scope> of(String token) {
            for (Scope scope : values()) {
                if (scope.token.equalsIgnoreCase(token.strip())) {
                    return Optional.of(scope);
                }
            }
            return Optional.empty();
        }
    }

    public static final LocalPartRedaction NONE = new LocalPartRedaction(Scope.NONE, Optional.empty());
    public static final String REDACTED = "redacted";

    /** Header fields whose addresses {@link Scope#ALL} hides. */
    private static final Set<String> ADDRESS_FIELDS = Set.of("from", "sender", "reply-to", "to", "cc", "bcc", "return-path",
        "delivered-to", "x-original-to", "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc", "received",
        "disposition-notification-to", "errors-to");
    /** An addr-spec as it appears in header fields: a dot-atom or quoted local part, then @ and a domain. */
    private static final Pattern ADDRESS = Pattern.compile(
        "(\"(?:[^\"\\\\\\r\\n]|\\\\.)*\"|[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\\-\\u0080-\\uFFFF]+)@([A-Za-z0-9](?:[A-Za-z0-9.\\-]*[A-Za-z0-9])?)");
    private static final Pattern FIELD_START = Pattern.compile("(?m)^([!-9;-~]+):");

    private final Scope scope;
    private final Optional<byte[]> key;

    private LocalPartRedaction(Scope scope, Optional<byte[]> key) {
        this.scope = Objects.requireNonNull(scope, "scope");
        this.key = key.map(byte[]::clone);
    }

    /**
     * @param secret the key of the hash that replaces local parts; empty: every local part becomes {@value #REDACTED}
     */
    public static LocalPartRedaction of(Scope scope, Optional<String> secret) {
        return new LocalPartRedaction(scope, secret.filter(s -> !s.isEmpty()).map(s -> s.getBytes(StandardCharsets.UTF_8)));
    }

    public Scope scope() {
        return scope;
    }

    /** An RCPT TO address as the report states it. */
    public String recipient(String address) {
        return scope == Scope.NONE ? address : redactAddress(address);
    }

    /** The MAIL FROM address as the report states it. */
    public String mailFrom(String address) {
        return scope == Scope.ALL ? redactAddress(address) : address;
    }

    /** The reported header block, with the addresses of the scope hidden; line structure and folding kept. */
    public String headers(String headerBlock, List<String> recipients) {
        if (scope == Scope.NONE) {
            return headerBlock;
        }
        String out = headerBlock;
        for (String recipient : recipients) {
            int at = recipient.lastIndexOf('@');
            if (at <= 0) {
                continue;
            }
            // each RCPT TO address, wherever it stands, whatever its case
            Pattern exact = Pattern.compile("(?<![A-Za-z0-9!#$%&'*+/=?^_`{|}~.\\-])" + Pattern.quote(recipient.substring(0, at))
                + "@" + Pattern.quote(recipient.substring(at + 1)) + "(?![A-Za-z0-9\\-])", Pattern.CASE_INSENSITIVE);
            out = exact.matcher(out).replaceAll(m -> Matcher.quoteReplacement(redactAddress(m.group())));
        }
        if (scope == Scope.ALL) {
            out = redactAddressFields(out);
        }
        return out;
    }

    private String redactAddressFields(String block) {
        StringBuilder result = new StringBuilder(block.length());
        Matcher field = FIELD_START.matcher(block);
        int start = 0;
        String name = "";
        while (field.find()) {
            result.append(redactIfAddressField(name, block.substring(start, field.start())));
            start = field.start();
            name = field.group(1).toLowerCase(Locale.ROOT);
        }
        result.append(redactIfAddressField(name, block.substring(start)));
        return result.toString();
    }

    private String redactIfAddressField(String name, String field) {
        if (!ADDRESS_FIELDS.contains(name)) {
            return field;
        }
        return ADDRESS.matcher(field).replaceAll(m -> Matcher.quoteReplacement(
            m.group(1).startsWith(REDACTED) ? m.group() : redactAddress(m.group())));
    }

    /** {@code local@domain} with its local part hidden; a bracketed {@code <...>} or {@code <>} keeps its brackets. */
    String redactAddress(String address) {
        String inner = address;
        boolean bracketed = inner.startsWith("<") && inner.endsWith(">");
        if (bracketed) {
            inner = inner.substring(1, inner.length() - 1);
        }
        int at = inner.lastIndexOf('@');
        if (at <= 0) {
            return address;
        }
        String local = inner.substring(0, at);
        String redacted = token(local.toLowerCase(Locale.ROOT) + "@" + inner.substring(at + 1).toLowerCase(Locale.ROOT))
            + inner.substring(at);
        return bracketed ? "<" + redacted + ">" : redacted;
    }

    private String token(String address) {
        if (key.isEmpty()) {
            return REDACTED;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.get(), "HmacSHA256"));
            byte[] hash = mac.doFinal(address.getBytes(StandardCharsets.UTF_8));
            return REDACTED + "-" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
