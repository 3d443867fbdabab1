package io.jamesdmarc.model.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import com.google.common.io.ByteSource;
import com.google.common.net.InetAddresses;

import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.aggregate.AggregateReportSource;
import io.jamesdmarc.model.unpack.ReportExtractor;
import io.jamesdmarc.model.unpack.ReportSink;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class FailureReportWriterTest {

    private static final String HEADERS = """
        Received: from mta.bounce.example (mta.bounce.example [192.0.2.10])
        \tby mx.receiver.example with ESMTP id 4F2A; Tue, 02 Jun 2026 09:58:12 +0000
        From: "Sender" <news@sender.example>
        To: alice@receiver.example
        Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=
        Date: Tue, 02 Jun 2026 11:58:10 +0200
        Message-ID: <msg-1@sender.example>
        """;

    private final FailureReportWriter writer = new FailureReportWriter();

    @Test
    void aHeadersOnlyReportReadsBackAsWritten() throws Exception {
        FailureReport report = fullReport().reportedHeaders(HEADERS).build();

        FailureReport read = readBack(writer.write(report));

        assertThat(read).isEqualTo(report);
        assertThat(read.reportedMessage().orElseThrow().subject()).contains("Grüße aus Köln");
        assertThat(read.reportedMessage().orElseThrow().fullMessage()).isFalse();
        assertThat(read.sourceIp()).contains(InetAddresses.forString("2001:db8::10"));
        assertThat(read.arrivalTime()).contains(Instant.parse("2026-06-02T09:58:12Z"));
    }

    @Test
    void aFullMessageReportReadsBackAsWritten() throws Exception {
        ByteSource message = ByteSource.wrap((HEADERS.replace("\n", "\r\n") + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n\r\nGrüße, 8-bit body.\r\n").getBytes(StandardCharsets.UTF_8));
        FailureReport report = fullReport().reportedMessage(message).build();

        MimeMultipart multipart = writer.write(report, message);

        assertThat(multipart.getBodyPart(2).getContentType()).isEqualTo("message/rfc822");
        assertThat(multipart.getBodyPart(2).getHeader("Content-Transfer-Encoding")).containsExactly("8bit");
        FailureReport read = readBack(multipart);
        assertThat(read).isEqualTo(report);
        assertThat(read.reportedMessage().orElseThrow().fullMessage()).isTrue();
    }

    @Test
    void theStructureRfc9991Asks() throws Exception {
        MimeMultipart multipart = writer.write(fullReport().reportedHeaders(HEADERS).build());
        ContentType type = new ContentType(multipart.getContentType());

        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("feedback-report");
        assertThat(multipart.getCount()).isEqualTo(3);
        assertThat(new ContentType(multipart.getBodyPart(0).getContentType()).getBaseType()).isEqualTo("text/plain");
        assertThat(multipart.getBodyPart(1).getContentType()).isEqualTo("message/feedback-report");
        assertThat(new ContentType(multipart.getBodyPart(2).getContentType()).getBaseType()).isEqualTo("text/rfc822-headers");

        String text = content(multipart.getBodyPart(0));
        assertThat(text).contains("sender.example", "2001:db8::10", "Failed to authenticate an aligned identity: DKIM, SPF.");
        String fields = content(multipart.getBodyPart(1));
        assertThat(fields).startsWith("Feedback-Type: auth-failure\r\nUser-Agent: james-dmarc/test\r\nVersion: 1\r\nAuth-Failure: dmarc\r\n"
            + "Identity-Alignment: dkim, spf\r\n");
        assertThat(fields.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
        assertThat(fields).contains("\r\nDKIM-Domain: sender.example\r\nDKIM-Identity: @sender.example\r\nDKIM-Selector: s2026\r\n");
    }

    @Test
    void aMessageThatCannotTravelAsItIsIsReportedByItsHeader() throws Exception {
        ByteSource message = ByteSource.wrap((HEADERS.replace("\n", "\r\n") + "\r\n" + "x".repeat(2000) + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        MimeMultipart multipart = writer.write(fullReport().reportedMessage(message).build(), message);
        assertThat(new ContentType(multipart.getBodyPart(2).getContentType()).getBaseType()).isEqualTo("text/rfc822-headers");
        assertThat(content(multipart.getBodyPart(2))).isEqualTo(HEADERS.replace("\n", "\r\n"));
    }

    @Test
    void onlyValidReportsAreWritten() {
        assertInvalid(base().reportedDomain("sender.example").authenticationResults("r; dmarc=fail"), "Identity-Alignment is required");
        assertInvalid(base().identityAlignment("dkim").reportedDomain("sender.example").authenticationResults("r; dmarc=fail"),
            "a DKIM failure needs DKIM-Domain, DKIM-Identity and DKIM-Selector");
        assertInvalid(base().identityAlignment("spf").reportedDomain("sender.example").authenticationResults("r; dmarc=fail"),
            "an SPF failure needs SPF-DNS");
        assertInvalid(base().identityAlignment("dkim, dkim").reportedDomain("sender.example").authenticationResults("r; dmarc=fail"),
            "dkim and/or spf once each");
        assertInvalid(base().identityAlignment("none").authenticationResults("r; dmarc=fail"), "Reported-Domain is required");
        assertInvalid(base().identityAlignment("none").reportedDomain("sender.example"), "Authentication-Results is required");
        assertThatThrownBy(() -> writer.write(base().identityAlignment("none").reportedDomain("sender.example")
            .authenticationResults("r; dmarc=fail").build()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no reported header block");
    }

    @Test
    void reportsWhoseValuesDisagreeWithTheirFieldsAreRefused() {
        FailureReport built = fullReport().reportedHeaders(HEADERS).build();
        FailureReport forged = new FailureReport(built.kind(), built.feedbackType(), built.userAgent(), built.version(),
            built.authFailure(), built.identityAlignment(), built.originalMailFrom(), built.originalRcptTo(), built.arrivalDate(),
            built.arrivalTime(), built.sourceIpText(), built.sourceIp(), Optional.of("other.example"), built.reportedUri(),
            built.dkimDomain(), built.dkimIdentity(), built.dkimSelector(), built.spfDns(), built.deliveryResult(),
            built.authenticationResults(), built.fields(), built.reportedMessage());
        assertThatThrownBy(() -> writer.write(forged)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("differ from its fields");
    }

    @Test
    void valuesCannotInjectLines() {
        assertThatThrownBy(() -> base().originalMailFrom("<a@b.example>\r\nBcc: victim@example.com"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break");
    }

    @Property(tries = 150)
    void anyValuesReadBackExactly(@ForAll("values") String mailFrom, @ForAll("values") String authenticationResults,
                                  @ForAll("values") String deliveryResult, @ForAll("values") String extension) throws Exception {
        FailureReport report = base()
            .identityAlignment("none")
            .reportedDomain("sender.example")
            .authenticationResults(authenticationResults)
            .originalMailFrom(mailFrom)
            .deliveryResult(deliveryResult)
            .field("X-Extension", extension)
            .reportedHeaders("From: a@sender.example\r\nSubject: " + mailFrom + "\r\n")
            .build();
        assertThat(readBack(writer.write(report))).isEqualTo(report);
    }

    @Provide
    Arbitrary<String> values() {
        Arbitrary<String> words = Arbitraries.strings().withCharRange('!', '~').withChars("éüß€;=,<>@\"").ofMinLength(1).ofMaxLength(40);
        return words.list().ofMinSize(1).ofMaxSize(12).map(list -> String.join(" ", list));
    }

    // ------------------------------------------------------------------ helpers

    private static FailureReportBuilder base() {
        return FailureReportBuilder.dmarcFailure().userAgent("james-dmarc/test");
    }

    private static FailureReportBuilder fullReport() {
        return base()
            .identityAlignment("dkim, spf")
            .authenticationResults("mx.receiver.example; dkim=fail (signature verification failed) header.d=sender.example "
                + "header.s=s2026 header.b=abcdefgh; spf=softfail smtp.mailfrom=bounce.example; dmarc=fail (p=reject dis=reject) "
                + "header.from=sender.example")
            .authenticationResults("mx.receiver.example; arc=none")
            .originalMailFrom("<bounce@bounce.example>")
            .originalRcptTo("alice@receiver.example")
            .originalRcptTo("bob@receiver.example")
            .arrivalDate(Instant.parse("2026-06-02T09:58:12.345Z"))
            .sourceIp(InetAddresses.forString("2001:db8:0:0::10"))
            .reportedDomain("sender.example")
            .reportedUri("mailto:ruf@sender.example")
            .dkim("sender.example", null, "s2026")
            .spfDns("txt : bounce.example : v=spf1 ip4:198.51.100.0/24 ~all")
            .deliveryResult("reject")
            .field("Original-Envelope-Id", "4F2A");
    }

    /** The report as a receiver gets it: in a message, on the wire, through the extractor. */
    private static FailureReport readBack(MimeMultipart multipart) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress("dmarc-reports@receiver.example"));
        message.setRecipients(jakarta.mail.Message.RecipientType.TO, "ruf@sender.example");
        message.setSubject("DMARC failure report for sender.example");
        message.setContent(multipart);
        message.saveChanges();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        message.writeTo(wire);

        List<FailureReport> found = new ArrayList<>();
        new ReportExtractor(ParseLimits.DEFAULTS).extract(ByteSource.wrap(wire.toByteArray()), "written.eml", new ReportSink<RuntimeException>() {
            @Override
            public void aggregate(AggregateReportSource report) {
                throw new AssertionError("no aggregate report was written");
            }

            @Override
            public void failure(FailureReport report, String location) {
                found.add(report);
            }
        });
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static String content(BodyPart part) throws Exception {
        return new String(part.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private void assertInvalid(FailureReportBuilder builder, String problem) {
        assertThatThrownBy(() -> writer.write(builder.reportedHeaders(HEADERS).build()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(problem);
    }
}
