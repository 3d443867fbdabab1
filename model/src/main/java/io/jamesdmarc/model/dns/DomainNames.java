package io.jamesdmarc.model.dns;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/** Domain name spelling: A-labels (RFC 5890), lower case, no trailing dot; label arithmetic. */
public final class DomainNames {
    private static final int MAX_NAME = 253;
    private static final int MAX_LABEL = 63;

    private DomainNames() {
    }

    /**
     * The name as DNS compares it: U-labels turned to A-labels (RFC 9989 section 5.3.1), lower
     * case, without the trailing dot; empty when it cannot be a host name.
     */
    public static Optional<String> normalize(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String trimmed = name.strip();
        if (trimmed.endsWith(".")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            return Optional.empty();
        }
        String ascii;
        try {
            ascii = IDN.toASCII(trimmed, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (ascii.length() > MAX_NAME) {
            return Optional.empty();
        }
        for (String label : ascii.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > MAX_LABEL || !isHostLabel(label)) {
                return Optional.empty();
            }
        }
        return Optional.of(ascii);
    }

    // letters, digits, hyphen; underscore too, as some signing domains and report hosts carry one
    private static boolean isHostLabel(String label) {
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** How many labels {@code name} has ({@code a.example.com} has 3). */
    public static int labelCount(String name) {
        int count = 1;
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '.') {
                count++;
            }
        }
        return count;
    }

    /** The last {@code count} labels of {@code name} ({@code a.b.example.com}, 2 gives {@code example.com}). */
    public static String lastLabels(String name, int count) {
        int labels = labelCount(name);
        if (count >= labels) {
            return name;
        }
        int index = 0;
        for (int skipped = 0; skipped < labels - count; skipped++) {
            index = name.indexOf('.', index) + 1;
        }
        return name.substring(index);
    }

    /** Whether {@code name} is {@code ancestor} or below it (both normalized). */
    public static boolean isAtOrBelow(String name, String ancestor) {
        return name.equals(ancestor)
            || (name.length() > ancestor.length() && name.endsWith(ancestor)
                && name.charAt(name.length() - ancestor.length() - 1) == '.');
    }
}
