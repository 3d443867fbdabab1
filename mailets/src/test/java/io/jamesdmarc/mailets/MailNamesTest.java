package io.jamesdmarc.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailNamesTest {

    @Test
    void copiesJamesMakesOfAMailAreTheSameMessage() {
        assertThat(MailNames.originKey("Mail1718-abcdef")).isEqualTo("Mail1718-abcdef");
        assertThat(MailNames.originKey("Mail1718-abcdef!x7Kq")).isEqualTo("Mail1718-abcdef");
        assertThat(MailNames.originKey("Mail1718-abcdef!x7Kq!9ZZa")).isEqualTo("Mail1718-abcdef");
        assertThat(MailNames.originKey("odd!names")).isEqualTo("odd!names");
        assertThat(MailNames.originKey("!abcd")).isEqualTo("!abcd");
    }
}
