package io.jamesdmarc.model.vocabulary;

/** DKIM and SPF identifier alignment mode ({@code adkim}, {@code aspf}): relaxed or strict. */
public enum Alignment implements Vocabulary {
    RELAXED("r"),
    STRICT("s");

    private final String token;

    Alignment(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
