package io.jamesdmarc.model.vocabulary;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A value from a closed vocabulary exactly as a reporter wrote it, and the standard value it means.
 *
 * <p>Real reports carry {@code Pass}, {@code hardfail} or an empty {@code <type/>}: matching is
 * case-insensitive, and text outside the vocabulary is kept as written with no known value, never
 * turned into something else.
 *
 * @param raw the text as written (trimmed), never null
 * @param known the standard value, or null when {@code raw} is outside the vocabulary
 */
public record Enumerated<E extends Enum<E> & Vocabulary>(String raw, E known) {

    public Enumerated {
        Objects.requireNonNull(raw, "raw");
    }

    /** Reads {@code text} against the vocabulary of {@code type}. */
    public static <E extends Enum<E> & Vocabulary> Enumerated<E> parse(Class<E> type, String text) {
        String raw = text == null ? "" : text.strip();
        String lower = raw.toLowerCase(Locale.ROOT);
        for (E candidate : type.getEnumConstants()) {
            if (candidate.token().equals(lower)) {
                return new Enumerated<>(raw, candidate);
            }
        }
        return new Enumerated<>(raw, null);
    }

    /** A value we produce ourselves: always known, written in its standard spelling. */
    public static <E extends Enum<E> & Vocabulary> Enumerated<E> of(E value) {
        return new Enumerated<>(value.token(), value);
    }

    public boolean isKnown() {
        return known != null;
    }

    public Optional<E> value() {
        return Optional.ofNullable(known);
    }

    public boolean is(E value) {
        return known == value;
    }

    /** The standard spelling when known, the text as written otherwise: what reports and the store show. */
    public String text() {
        return known != null ? known.token() : raw;
    }

    @Override
    public String toString() {
        return known != null ? known.token() : "unknown(" + raw + ")";
    }
}
