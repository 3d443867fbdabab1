package io.jamesdmarc.model.aggregate;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

import com.google.common.net.InetAddresses;

/**
 * The connecting IP of a record: the address when the text is an IPv4 or IPv6 literal (compressed
 * forms included), and the text as written either way, so a bad value is kept rather than lost.
 */
public record SourceIp(String raw, Optional<InetAddress> address) {
    public SourceIp {
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(address, "address");
    }

    /** Parses a literal; never resolves a host name. */
    public static SourceIp parse(String text) {
        String raw = text == null ? "" : text.strip();
        String literal = raw.startsWith("[") && raw.endsWith("]") ? raw.substring(1, raw.length() - 1) : raw;
        if (literal.isEmpty() || Character.digit(literal.charAt(0), 16) < 0 && literal.charAt(0) != ':') {
            return new SourceIp(raw, Optional.empty());
        }
        try {
            // parsed once: reports of 200,000 records spend measurable time here
            return new SourceIp(raw, Optional.of(InetAddresses.forString(literal)));
        } catch (IllegalArgumentException notAnAddress) {
            return new SourceIp(raw, Optional.empty());
        }
    }

    public static SourceIp of(InetAddress address) {
        return new SourceIp(InetAddresses.toAddrString(address), Optional.of(address));
    }

    /** The canonical text (RFC 5952 for IPv6) when valid, the text as written otherwise. */
    public String text() {
        return address.map(InetAddresses::toAddrString).orElse(raw);
    }

    @Override
    public String toString() {
        return text();
    }
}
