package io.jamesdmarc.model.vocabulary;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnumeratedTest {

    @Test
    void matchesCaseInsensitivelyAndKeepsTheTextAsWritten() {
        Enumerated<DkimResult> pass = Enumerated.parse(DkimResult.class, " Pass ");

        assertThat(pass.known()).isEqualTo(DkimResult.PASS);
        assertThat(pass.raw()).isEqualTo("Pass");
        assertThat(pass.text()).isEqualTo("pass");
    }

    @Test
    void keepsValuesOutsideTheVocabularyAsUnknown() {
        Enumerated<SpfResult> hardfail = Enumerated.parse(SpfResult.class, "hardfail");

        assertThat(hardfail.isKnown()).isFalse();
        assertThat(hardfail.value()).isEmpty();
        assertThat(hardfail.text()).isEqualTo("hardfail");
        assertThat(hardfail.is(SpfResult.FAIL)).isFalse();
    }

    @Test
    void anEmptyValueIsUnknownNotAnError() {
        Enumerated<OverrideType> empty = Enumerated.parse(OverrideType.class, null);

        assertThat(empty.isKnown()).isFalse();
        assertThat(empty.raw()).isEmpty();
    }
}
