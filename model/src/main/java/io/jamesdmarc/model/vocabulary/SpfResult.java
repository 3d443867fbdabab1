package io.jamesdmarc.model.vocabulary;

/** SPF verification result (RFC 7208, RFC 8601 section 2.7.2). */
public enum SpfResult implements Vocabulary {
    NONE("none"),
    NEUTRAL("neutral"),
    PASS("pass"),
    FAIL("fail"),
    SOFTFAIL("softfail"),
    POLICY("policy"),
    TEMPERROR("temperror"),
    PERMERROR("permerror");

    private final String token;

    SpfResult(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
