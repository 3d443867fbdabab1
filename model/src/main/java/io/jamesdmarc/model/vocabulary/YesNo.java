package io.jamesdmarc.model.vocabulary;

/** The y/n flags of RFC 9989/9990 ({@code t=}, {@code testing}). */
public enum YesNo implements Vocabulary {
    YES("y"),
    NO("n");

    private final String token;

    YesNo(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
