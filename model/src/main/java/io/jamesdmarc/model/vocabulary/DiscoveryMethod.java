package io.jamesdmarc.model.vocabulary;

/** How the policy was found: the Public Suffix List (RFC 7489) or the DNS tree walk (RFC 9989). */
public enum DiscoveryMethod implements Vocabulary {
    PSL("psl"),
    TREEWALK("treewalk");

    private final String token;

    DiscoveryMethod(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
