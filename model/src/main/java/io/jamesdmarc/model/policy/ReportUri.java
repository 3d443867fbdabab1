package io.jamesdmarc.model.policy;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jamesdmarc.model.dns.DomainNames;

/**
 * One URI of a {@code rua} or {@code ruf} tag. Only {@code mailto:} is used; any other URI is
 * kept with the reason it is ignored (RFC 9989: "URIs involving schemes not supported by Mail
 * Receivers MUST be ignored").
 *
 * @param text the URI as published, size suffix included
 * @param wellFormed whether it is a URI at all (RFC 3986, with a scheme): one well-formed
 *     {@code rua} URI turns a record with a bad {@code p} into {@code p=none} (RFC 9989 4.10.1)
 * @param mailbox the address reports go to ({@code local@a-label.domain}), when usable
 * @param legacySizeLimit the RFC 7489 {@code !size} suffix in bytes (k, m, g, t are powers of
 *     1024); obsolete in RFC 9989, which says to ignore it: kept for display only
 * @param ignoredBecause why the URI is not used, when it is not
 */
public record ReportUri(String text,
                        boolean wellFormed,
                        Optional<String> mailbox,
                        Optional<Long> legacySizeLimit,
                        Optional<String> ignoredBecause) {

    private static final Pattern SIZE_SUFFIX = Pattern.compile("^(.*)!(\\d{1,15})([kmgtKMGT]?)$");
    private static final String MAILTO = "mailto";

    public ReportUri {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(legacySizeLimit, "legacySizeLimit");
        Objects.requireNonNull(ignoredBecause, "ignoredBecause");
        if (mailbox.isPresent() == ignoredBecause.isPresent()) {
            throw new IllegalArgumentException("a report URI has either a mailbox or a reason to be ignored");
        }
    }

    /** Reads a comma-separated list (white space around commas allowed), empty entries skipped. */
    public static List<ReportUri> parseList(String value) {
        List<ReportUri> uris = new ArrayList<>();
        for (String part : value.split(",")) {
            String trimmed = part.strip();
            if (!trimmed.isEmpty()) {
                uris.add(parse(trimmed));
            }
        }
        return List.copyOf(uris);
    }

    public static ReportUri parse(String text) {
        String uriText = text.strip();
        Optional<Long> size = Optional.empty();
        Matcher suffix = SIZE_SUFFIX.matcher(uriText);
        if (suffix.matches()) {
            uriText = suffix.group(1);
            size = Optional.of(Long.parseLong(suffix.group(2)) * unit(suffix.group(3)));
        }
        URI uri;
        try {
            uri = new URI(uriText);
        } catch (URISyntaxException e) {
            return ignored(text, false, size, "not a URI: " + e.getReason());
        }
        if (uri.getScheme() == null) {
            return ignored(text, false, size, "not a URI: no scheme");
        }
        if (!MAILTO.equalsIgnoreCase(uri.getScheme())) {
            return ignored(text, true, size, "scheme " + uri.getScheme() + " is not supported, only mailto");
        }
        String addresses = uri.getRawSchemeSpecificPart();
        int query = addresses.indexOf('?');
        if (query >= 0) {
            addresses = addresses.substring(0, query);
        }
        String address = percentDecode(addresses).strip();
        if (address.contains(",")) {
            return ignored(text, true, size, "several addresses in one mailto URI");
        }
        int at = address.lastIndexOf('@');
        if (at <= 0) {
            return ignored(text, true, size, "mailto URI without a mail address");
        }
        Optional<String> domain = DomainNames.normalize(address.substring(at + 1));
        if (domain.isEmpty()) {
            return ignored(text, true, size, "mailto address has no valid domain: " + address);
        }
        return new ReportUri(text, true, Optional.of(address.substring(0, at) + "@" + domain.get()), size, Optional.empty());
    }

    /** Whether reports can be sent to it: a mailto URI with an address. */
    public boolean usable() {
        return mailbox.isPresent();
    }

    /** The domain of the mailbox (the "destination host" of RFC 9990's external destination check), when usable. */
    public Optional<String> host() {
        return mailbox.map(address -> address.substring(address.lastIndexOf('@') + 1));
    }

    private static ReportUri ignored(String text, boolean wellFormed, Optional<Long> size, String reason) {
        return new ReportUri(text, wellFormed, Optional.empty(), size, Optional.of(reason));
    }

    private static long unit(String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            case "t" -> 1L << 40;
            default -> 1L;
        };
    }

    // URLDecoder would turn '+' into a space: a mailto URI is percent-encoded only (RFC 6068)
    private static String percentDecode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        int i = 0;
        while (i < raw.length()) {
            int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
            if (raw.charAt(i) == '%' && high >= 0 && low >= 0) {
                bytes.write(high * 16 + low);
                i += 3;
            } else {
                int codePoint = raw.codePointAt(i);
                bytes.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
