package io.jamesdmarc.model.evaluation.auth;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.jamesdmarc.model.dns.DomainNames;

/**
 * The tags of a DKIM-Signature field read leniently: whatever the signature's syntax, its d=, s=,
 * a= and b= are what the results name, even for a signature jdkim refuses to parse.
 *
 * @param tags tag name to value (white space removed), the first value of a repeated tag
 */
record SignatureTags(Map<String, String> tags) {
    /** How much of b= the results keep: RFC 6008 asks for at least 8 characters to tell signatures apart. */
    static final int SIGNATURE_PREFIX_LENGTH = 8;

    /** Reads the value of a DKIM-Signature field (what follows the colon). */
    static SignatureTags parse(String fieldValue) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : fieldValue.split(";")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                String name = part.substring(0, equals).strip();
                // FWS may fold any value; inside d=, s=, a=, b= it carries no meaning
                tags.putIfAbsent(name, part.substring(equals + 1).replaceAll("\\s+", ""));
            }
        }
        return new SignatureTags(Map.copyOf(tags));
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(tags.get(name)).filter(value -> !value.isEmpty());
    }

    /** The signing domain (A-label, lower case), as written when it is not a domain name, empty when absent. */
    String domain() {
        return get("d").map(d -> DomainNames.normalize(d).orElse(d.toLowerCase(Locale.ROOT))).orElse("");
    }

    String selector() {
        return get("s").orElse("");
    }

    /** The signing algorithm, lower case ({@code rsa-sha256}), empty when absent. */
    String algorithm() {
        return get("a").map(a -> a.toLowerCase(Locale.ROOT)).orElse("");
    }

    /** The first characters of the signature data (RFC 6008 {@code header.b}), empty when absent. */
    String signaturePrefix() {
        String b = get("b").orElse("");
        return b.length() <= SIGNATURE_PREFIX_LENGTH ? b : b.substring(0, SIGNATURE_PREFIX_LENGTH);
    }

    /** A numeric tag (t=, x=): empty when absent or not a number. */
    Optional<Long> number(String name) {
        return get(name).flatMap(value -> {
            try {
                return Optional.of(Long.parseLong(value));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
