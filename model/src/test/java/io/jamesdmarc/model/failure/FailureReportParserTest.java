package io.jamesdmarc.model.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.google.common.net.InetAddresses;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.failure.FailureReport.Field;
import io.jamesdmarc.model.failure.FailureReport.Kind;

class FailureReportParserTest {

    private final FailureReportParser parser = new FailureReportParser();

    @ParameterizedTest(name = "crlf={0}")
    @ValueSource(booleans = {false, true})
    void readsEveryAfrfFieldAndTheFullReportedMessage(boolean crlf) throws Exception {
        FailureReport report = parser.parse(FailureFixtures.message("afrf-full-message.eml", crlf));

        assertThat(report.kind()).isEqualTo(Kind.AFRF);
        assertThat(report.feedbackType()).contains("auth-failure");
        assertThat(report.userAgent()).contains("FixtureReporter/2.1");
        assertThat(report.version()).contains("1");
        assertThat(report.authFailure()).contains("dmarc");
        assertThat(report.identityAlignment()).contains("dkim, spf");
        assertThat(report.authenticationResults()).containsExactly(
            "receiver.example; dmarc=fail (p=reject)\theader.from=sender.example",
            "receiver.example; spf=softfail smtp.mailfrom=bounce.example");
        assertThat(report.originalMailFrom()).contains("<bounce@bounce.example>");
        assertThat(report.originalRcptTo()).containsExactly("alice@receiver.example", "bob@receiver.example");
        assertThat(report.arrivalDate()).contains("Tue, 02 Jun 2026 09:58:12 +0000");
        assertThat(report.arrivalTime()).contains(Instant.parse("2026-06-02T09:58:12Z"));
        assertThat(report.sourceIpText()).contains("192.0.2.10 (mta.bounce.example)");
        assertThat(report.sourceIp()).contains(InetAddresses.forString("192.0.2.10"));
        assertThat(report.reportedDomain()).contains("sender.example");
        assertThat(report.reportedUri()).containsExactly("mailto:ruf@sender.example");
        assertThat(report.dkimDomain()).contains("sender.example");
        assertThat(report.dkimIdentity()).contains("@sender.example");
        assertThat(report.dkimSelector()).contains("sel2026");
        assertThat(report.spfDns()).contains("txt : bounce.example : v=spf1 ip4:198.51.100.0/24 ~all");
        assertThat(report.deliveryResult()).contains("reject");
        assertThat(report.fields()).hasSize(20)
            .startsWith(new Field("Feedback-Type", "auth-failure"))
            .endsWith(new Field("X-Fixture-Extension", "kept as written"));

        ReportedMessage reported = report.reportedMessage().orElseThrow();
        String eol = crlf ? "\r\n" : "\n";
        assertThat(reported.fullMessage()).isTrue();
        assertThat(reported.subject()).contains("Grüße aus Köln");
        assertThat(reported.from()).contains("\"Sender\" <news@sender.example>");
        assertThat(reported.to()).contains("alice@receiver.example, bob@receiver.example");
        assertThat(reported.messageId()).contains("<msg-1@sender.example>");
        assertThat(reported.date()).contains("Tue, 02 Jun 2026 11:58:10 +0200");
        assertThat(reported.headers()).startsWith("Received: from mta.bounce.example (mta.bounce.example [192.0.2.10])" + eol + "\tby mx")
            .endsWith("Content-Type: text/plain; charset=utf-8" + eol)
            .doesNotContain("Hello.");
    }

    @Test
    void toleratesOddCasingEmptyFieldsBlankLinesFoldsAndHeadersOnly() throws Exception {
        FailureReport report = parser.parse(FailureFixtures.message("afrf-headers-only-odd-casing.eml", true));

        assertThat(report.kind()).isEqualTo(Kind.AFRF);
        assertThat(report.feedbackType()).contains("auth-failure");
        assertThat(report.userAgent()).contains("Odd/1");
        assertThat(report.version()).as("a field after an empty line").contains("1");
        assertThat(report.sourceIp()).contains(InetAddresses.forString("2001:db8::25"));
        assertThat(report.reportedDomain()).contains("sender.example");
        assertThat(report.originalMailFrom()).as("an empty field states nothing").isEmpty();
        assertThat(report.fields()).contains(new Field("original-mail-from", ""));
        assertThat(report.arrivalTime()).contains(Instant.parse("2026-06-03T06:02:03Z"));
        assertThat(report.originalRcptTo()).containsExactly("folded@receiver.example");

        ReportedMessage reported = report.reportedMessage().orElseThrow();
        assertThat(reported.fullMessage()).isFalse();
        assertThat(reported.subject()).contains("plain subject");
        assertThat(reported.messageId()).contains("<msg-2@sender.example>");
        assertThat(reported.to()).isEmpty();
    }

    @Test
    void decodesABase64FeedbackPartInAMixedMultipart() throws Exception {
        FailureReport report = parser.parse(FailureFixtures.message("afrf-base64-feedback-in-mixed.eml", false));

        assertThat(report.userAgent()).contains("Base64Reporter/1.0");
        assertThat(report.originalMailFrom()).contains("<bounce@bounce.example>");
        assertThat(report.sourceIp()).contains(InetAddresses.forString("198.51.100.7"));
        assertThat(report.arrivalTime()).contains(Instant.parse("2026-06-04T00:00:00Z"));
        assertThat(report.identityAlignment()).contains("none");
        assertThat(report.authFailure()).isEmpty();
        assertThat(report.deliveryResult()).contains("delivered");
        assertThat(report.reportedMessage().orElseThrow().subject()).contains("Hello");
        assertThat(report.reportedMessage().orElseThrow().fullMessage()).isTrue();
    }

    @Test
    void aReportWithoutTextOrReportedMessageIsStillRead() throws Exception {
        FailureReport report = parser.parse(FailureFixtures.message("afrf-feedback-only.eml", false));

        assertThat(report.sourceIpText()).contains("[192.0.2.99]");
        assertThat(report.sourceIp()).contains(InetAddresses.forString("192.0.2.99"));
        assertThat(report.reportedMessage()).isEmpty();
    }

    @Test
    void aTextOnlyNoticeInAMultipartIsReadAsOne() throws Exception {
        FailureReport report = parser.parse(FailureFixtures.message("notice-exim-style.eml", true));

        assertThat(report.kind()).isEqualTo(Kind.PLAIN_TEXT_NOTICE);
        assertThat(report.reportedDomain()).contains("sender.example");
        assertThat(report.sourceIp()).contains(InetAddresses.forString("198.51.100.23"));
        assertThat(report.arrivalDate()).contains("Fri, 05 Jun 2026 11:59:58 +0200");
        assertThat(report.arrivalTime()).contains(Instant.parse("2026-06-05T09:59:58Z"));
        assertThat(report.feedbackType()).as("a notice states no AFRF field it does not have").isEmpty();
        assertThat(report.identityAlignment()).isEmpty();
        assertThat(report.fields()).containsExactly(
            new Field("Sender Domain", "sender.example"),
            new Field("Sender IP Address", "198.51.100.23"),
            new Field("Received date", "Fri, 05 Jun 2026 11:59:58 +0200"),
            new Field("SPF Alignment", "no"),
            new Field("DKIM Alignment", "no"),
            new Field("DMARC Results", "Reject, Quarantine"));
        ReportedMessage reported = report.reportedMessage().orElseThrow();
        assertThat(reported.fullMessage()).isFalse();
        assertThat(reported.subject()).contains("Urgent wire transfer");
        assertThat(reported.from()).contains("<ceo@sender.example>");
        assertThat(reported.messageId()).contains("<notice-msg@client.example>");
        assertThat(reported.headers()).startsWith("Received: from [198.51.100.23] (helo=client.example)\r\n\tby mx1");
    }

    @Test
    void noticesWordedOtherwiseAreRecognisedByMeaning() {
        FailureReport report = parser.parseNotice(FailureFixtures.text("notice-other-wording.txt")).orElseThrow();

        assertThat(report.kind()).isEqualTo(Kind.PLAIN_TEXT_NOTICE);
        assertThat(report.reportedDomain()).contains("sender.example");
        assertThat(report.sourceIp()).contains(InetAddresses.forString("203.0.113.200"));
        assertThat(report.arrivalTime()).contains(Instant.parse("2026-06-06T07:30:00Z"));
        assertThat(report.originalMailFrom()).contains("bounce@elsewhere.example");
        assertThat(report.originalRcptTo()).containsExactly("user@receiver.example");
        assertThat(report.reportedMessage()).isEmpty();
    }

    @Test
    void textThatIsNoFailureNoticeIsNotTakenForOne() {
        assertThat(parser.parseNotice(FailureFixtures.text("not-a-notice-report-prose.txt"))).isEmpty();
        assertThat(parser.parseNotice("Sender Domain: sender.example\nSender IP Address: 198.51.100.23\n"))
            .as("no word of DMARC").isEmpty();
        assertThat(parser.parseNotice("DMARC failed.\nSender Domain: sender.example\nSender IP Address: unknown\n"))
            .as("no address").isEmpty();
        assertThat(parser.parseNotice("DMARC summary of the day\nSender Domain: sender.example\nSender IP Address: 198.51.100.23\n"))
            .as("no failure").isEmpty();
    }

    @Test
    void aFeedbackReportWithNeitherFeedbackPartNorNoticeIsRefused() {
        String mail = """
            From: a@receiver.example
            Subject: x
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=feedback-report; boundary=x

            --x
            Content-Type: text/plain

            Nothing to see.
            --x--
            """;
        assertThatThrownBy(() -> parser.parse(message(mail)))
            .isInstanceOfSatisfying(ReportParseException.class,
                e -> assertThat(e.problem()).isEqualTo(ReportParseException.Problem.NOT_A_REPORT))
            .hasMessageContaining("message/feedback-report");
    }

    @Test
    void sourceIpKeepsOnlyTheAddressPart() {
        assertThat(FailureReportParser.addressPart("148.163.85.135 (sainay.example.org)")).contains(address("148.163.85.135"));
        assertThat(FailureReportParser.addressPart("[192.0.2.1]")).contains(address("192.0.2.1"));
        assertThat(FailureReportParser.addressPart("IPv6:2001:db8::1")).contains(address("2001:db8::1"));
        assertThat(FailureReportParser.addressPart(" 2001:db8::2, 192.0.2.3")).contains(address("2001:db8::2"));
        assertThat(FailureReportParser.addressPart("mta.example.org")).isEmpty();
        assertThat(FailureReportParser.addressPart("")).isEmpty();
    }

    @Test
    void arrivalDatesAsReportersWriteThem() {
        assertThat(FailureReportParser.parseDate("Tue,  5 Oct 2021 17:37:02 +1300 (NZDT)")).contains(Instant.parse("2021-10-05T04:37:02Z"));
        assertThat(FailureReportParser.parseDate("01 Oct 2018 11:20:27 +0200")).contains(Instant.parse("2018-10-01T09:20:27Z"));
        assertThat(FailureReportParser.parseDate("2019-04-30T02:09:00Z")).contains(Instant.parse("2019-04-30T02:09:00Z"));
        assertThat(FailureReportParser.parseDate("yesterday")).isEmpty();
    }

    @Test
    void reportedHeaderBlocksAreReadAsWritten() {
        ReportedMessage message = FailureReportParser.reportedMessage(
            "Subject: =?ISO-8859-1?Q?caf=E9?=\r\n =?ISO-8859-1?Q?_cr=E8me?=\r\nFrom: a@b.example\r\n", false);
        assertThat(message.subject()).contains("café crème");
        assertThat(message.from()).contains("a@b.example");
        assertThat(message.date()).isEqualTo(Optional.empty());
        assertThat(message.headers()).isEqualTo("Subject: =?ISO-8859-1?Q?caf=E9?=\r\n =?ISO-8859-1?Q?_cr=E8me?=\r\nFrom: a@b.example\r\n");
        assertThat(HeaderFields.parse("A: 1\r\n\r\nB: 2\r\n", true)).containsExactly(new Field("A", "1"));
        assertThat(HeaderFields.parse("A: 1\r\n\r\nB: 2\r\n", false)).isEqualTo(List.of(new Field("A", "1"), new Field("B", "2")));
    }

    private static InetAddress address(String literal) {
        return InetAddresses.forString(literal);
    }

    private static jakarta.mail.internet.MimeMessage message(String text) throws Exception {
        return new jakarta.mail.internet.MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()),
            new java.io.ByteArrayInputStream(text.replace("\n", "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
