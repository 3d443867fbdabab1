package io.jamesdmarc.model.aggregate;

import java.util.Arrays;
import java.util.List;

import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.Vocabulary;

/**
 * Reads a vocabulary value from a {@link TextBuffer}: the standard spelling yields a shared
 * instance with no allocation; anything else goes through {@link Enumerated#parse}, which keeps it
 * as written.
 */
final class VocabularyTable<E extends Enum<E> & Vocabulary> {

    private final Class<E> type;
    private final E[] values;
    private final List<Enumerated<E>> standard;

    VocabularyTable(Class<E> type) {
        this.type = type;
        this.values = type.getEnumConstants();
        this.standard = Arrays.stream(values).map(Enumerated::of).toList();
    }

    Enumerated<E> read(TextBuffer text) {
        for (int i = 0; i < values.length; i++) {
            if (text.trimmedEquals(values[i].token())) {
                return standard.get(i);
            }
        }
        return Enumerated.parse(type, text.trimmed());
    }

    Enumerated<E> of(E value) {
        return standard.get(value.ordinal());
    }
}
