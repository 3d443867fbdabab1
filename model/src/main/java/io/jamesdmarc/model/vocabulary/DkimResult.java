package io.jamesdmarc.model.vocabulary;

/** DKIM verification result (RFC 8601 section 2.7.1). */
public enum DkimResult implements Vocabulary {
    NONE("none"),
    PASS("pass"),
    FAIL("fail"),
    POLICY("policy"),
    NEUTRAL("neutral"),
    TEMPERROR("temperror"),
    PERMERROR("permerror");

    private final String token;

    DkimResult(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
