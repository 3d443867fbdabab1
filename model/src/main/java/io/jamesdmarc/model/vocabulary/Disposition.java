package io.jamesdmarc.model.vocabulary;

/** What a receiver did with a message (aggregate report {@code disposition}); {@code pass} is RFC 9990's "passed DMARC under an enforcing policy". */
public enum Disposition implements Vocabulary {
    NONE("none"),
    PASS("pass"),
    QUARANTINE("quarantine"),
    REJECT("reject");

    private final String token;

    Disposition(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
