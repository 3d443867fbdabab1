package io.jamesdmarc.mailets.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class AuthenticationResultsFieldTest {

    @Test
    void readsEachMethodWithItsProperties() {
        AuthenticationResultsField field = AuthenticationResultsField.parse(
            "mx.google.com;\r\n       dkim=pass header.i=@example.com header.s=20230601 header.b=Ab+Cd;\r\n"
                + "       spf=pass (google.com: domain of bounce@example.com designates 192.0.2.1 as permitted sender) "
                + "smtp.mailfrom=bounce@example.com;\r\n       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com").orElseThrow();

        assertThat(field.authservId()).isEqualTo("mx.google.com");
        assertThat(field.results()).extracting(AuthenticationResultsField.Result::method).containsExactly("dkim", "spf", "dmarc");
        assertThat(field.results("dkim").get(0).properties())
            .isEqualTo(Map.of("header.i", "@example.com", "header.s", "20230601", "header.b", "Ab+Cd"));
        assertThat(field.results("spf").get(0).property("smtp.mailfrom")).contains("bounce@example.com");
        assertThat(field.results("dmarc").get(0).result()).isEqualTo("pass");
        assertThat(field.results("dmarc").get(0).property("header.from")).contains("example.com");
    }

    @Test
    void commentsQuotesVersionsAndSpacingAreRfc8601s() {
        AuthenticationResultsField field = AuthenticationResultsField.parse(
            "  \"mx.example.net\" 1 (version (nested; with = signs)); dkim/1 = FAIL reason=\"bad; signature\" "
                + "header.d = example.org; spf=softfail smtp.helo=helo.example;arc=none").orElseThrow();

        assertThat(field.authservId()).isEqualTo("mx.example.net");
        AuthenticationResultsField.Result dkim = field.results("dkim").get(0);
        assertThat(dkim.result()).isEqualTo("fail");
        assertThat(dkim.reason()).contains("bad; signature");
        assertThat(dkim.property("header.d")).contains("example.org");
        assertThat(field.results("spf").get(0).property("smtp.helo")).contains("helo.example");
        assertThat(field.results("arc")).hasSize(1);
    }

    @Test
    void noResultAndGarbage() {
        assertThat(AuthenticationResultsField.parse("mx.example.net; none").orElseThrow().results()).isEmpty();
        assertThat(AuthenticationResultsField.parse("   ")).isEmpty();
        assertThat(AuthenticationResultsField.parse("(only a comment)")).isEmpty();
        assertThat(AuthenticationResultsField.parse(null)).isEqualTo(Optional.empty());
    }
}
