package io.jamesdmarc.model.vocabulary;

/** A closed set of values a DMARC standard defines, each with its spelling on the wire. */
public interface Vocabulary {
    /** The value as the standards spell it (lower case, e.g. {@code pass}, {@code mfrom}). */
    String token();
}
