package io.jamesdmarc.model.evaluation;

import io.jamesdmarc.model.vocabulary.Vocabulary;

/** The record tag whose policy applies to the Author Domain. */
public enum PolicyTag implements Vocabulary {
    P("p"),
    SP("sp"),
    NP("np");

    private final String token;

    PolicyTag(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
