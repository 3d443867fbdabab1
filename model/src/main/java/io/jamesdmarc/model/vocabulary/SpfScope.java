package io.jamesdmarc.model.vocabulary;

/** Which identity SPF checked: the HELO name or the MAIL FROM domain (RFC 9990 keeps only mfrom). */
public enum SpfScope implements Vocabulary {
    HELO("helo"),
    MFROM("mfrom");

    private final String token;

    SpfScope(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
