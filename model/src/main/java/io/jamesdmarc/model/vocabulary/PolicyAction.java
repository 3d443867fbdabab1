package io.jamesdmarc.model.vocabulary;

/** What a DMARC policy asks receivers to do ({@code p}, {@code sp}, {@code np}). */
public enum PolicyAction implements Vocabulary {
    NONE("none"),
    QUARANTINE("quarantine"),
    REJECT("reject");

    private final String token;

    PolicyAction(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
