package io.jamesdmarc.mailets;

import java.util.regex.Pattern;

/** What James's mail names tell about the message a mail carries. */
public final class MailNames {

    /**
     * The suffixes James appends to a mail's name when it copies the mail, e.g. to split it between
     * recipients a matcher took and those it left ({@code Mail1718-abc!x7Kq}): each retry of the
     * original splits it again under a new suffix, so the name without them is what stays the same.
     */
    private static final Pattern COPY_SUFFIXES = Pattern.compile("(![A-Za-z0-9]{4})+$");

    private MailNames() {
    }

    /**
     * The mail's name without the suffixes of James's copies: the same for every copy and every retry
     * of one received mail (James names a received mail {@code Mail<time>-<uuid>}, unique), so what
     * james-dmarc keeps about a mail is kept once however often James hands it over.
     */
    public static String originKey(String mailName) {
        String key = COPY_SUFFIXES.matcher(mailName).replaceFirst("");
        return key.isEmpty() ? mailName : key;
    }
}
