package io.jamesdmarc.model.vocabulary;

/** RFC 9989 {@code psd=} tag: the domain is a public suffix domain (y), is not (n), or unknown (u). */
public enum PsdFlag implements Vocabulary {
    YES("y"),
    NO("n"),
    UNKNOWN("u");

    private final String token;

    PsdFlag(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
