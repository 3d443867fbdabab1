package io.jamesdmarc.model.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.jamesdmarc.model.failure.LocalPartRedaction.Scope;

class LocalPartRedactionTest {

    static final String HEADERS = "Received: from mx.spoof (mx.spoof [203.0.113.5])\r\n"
        + "\tby mx.example.com with ESMTP for <Bob@Example.com>; Mon, 1 Jun 2026 08:00:00 +0000\r\n"
        + "From: \"Support\" <support@example.org>\r\n"
        + "Reply-To: \"john doe\"@example.org\r\n"
        + "To: Bob <bob@example.com>, xbob@example.com\r\n"
        + "Cc: bob@example.community\r\n"
        + "Message-ID: <abc@example.org>\r\n"
        + "Subject: mail bob@example.com about it\r\n";
    static final List<String> RCPT = List.of("bob@example.com");

    @Test
    void noneKeepsEverything() {
        LocalPartRedaction none = LocalPartRedaction.of(Scope.NONE, Optional.empty());
        assertThat(none.headers(HEADERS, RCPT)).isEqualTo(HEADERS);
        assertThat(none.recipient("<bob@example.com>")).isEqualTo("<bob@example.com>");
        assertThat(none.mailFrom("<support@example.org>")).isEqualTo("<support@example.org>");
    }

    @Test
    void recipientsHidesEachRcptToWhereverItAppearsAndNothingElse() {
        LocalPartRedaction redaction = LocalPartRedaction.of(Scope.RECIPIENTS, Optional.empty());
        String out = redaction.headers(HEADERS, RCPT);
        assertThat(out).contains("for <redacted@Example.com>;", "To: Bob <redacted@example.com>, xbob@example.com\r\n",
            "Cc: bob@example.community\r\n", "Subject: mail redacted@example.com about it\r\n", "From: \"Support\" <support@example.org>",
            "Message-ID: <abc@example.org>");
        assertThat(redaction.recipient("<bob@example.com>")).isEqualTo("<redacted@example.com>");
        assertThat(redaction.mailFrom("<support@example.org>")).isEqualTo("<support@example.org>");
        assertThat(redaction.mailFrom("<>")).isEqualTo("<>");
    }

    @Test
    void allHidesEveryAddressOfTheAddressFieldsButKeepsIdentifiers() {
        LocalPartRedaction redaction = LocalPartRedaction.of(Scope.ALL, Optional.empty());
        String out = redaction.headers(HEADERS, RCPT);
        assertThat(out).contains("From: \"Support\" <redacted@example.org>", "Reply-To: redacted@example.org\r\n",
            "To: Bob <redacted@example.com>, redacted@example.com\r\n", "Cc: redacted@example.community\r\n",
            "Message-ID: <abc@example.org>", "for <redacted@Example.com>;");
        assertThat(redaction.mailFrom("<support@example.org>")).isEqualTo("<redacted@example.org>");
        // line structure kept: same lines, same folding
        assertThat(out.split("\r\n", -1)).hasSameSizeAs(HEADERS.split("\r\n", -1));
    }

    @Test
    void aSecretGivesAStableTokenPerAddressWhateverItsCase() {
        LocalPartRedaction keyed = LocalPartRedaction.of(Scope.RECIPIENTS, Optional.of("s3cret"));
        String bob = keyed.recipient("<bob@example.com>");
        assertThat(bob).matches("<redacted-[0-9a-f]{16}@example\\.com>");
        assertThat(keyed.recipient("<BOB@example.com>")).isEqualTo(bob);
        assertThat(keyed.recipient("<alice@example.com>")).isNotEqualTo(bob);
        assertThat(LocalPartRedaction.of(Scope.RECIPIENTS, Optional.of("other")).recipient("<bob@example.com>")).isNotEqualTo(bob);
        assertThat(keyed.headers("To: bob@example.com\r\n", RCPT)).isEqualTo("To: " + bob.substring(1, bob.length() - 1) + "\r\n");
    }
}
