package io.jamesdmarc.cli;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.jamesdmarc.model.unpack.Packing;

/**
 * Small report files of our own, written as text (never copied from the corpus): aggregate reports
 * with known figures, gzip and zip, report mails, failure report mails, mbox files.
 */
final class Fixtures {

    /** One {@code <record>}: its count and whether the aligned DKIM and SPF passed. */
    record Row(String sourceIp, long count, boolean dkimPass, boolean spfPass, String disposition) {
        Row(String sourceIp, long count, boolean dkimPass, boolean spfPass) {
            this(sourceIp, count, dkimPass, spfPass, dkimPass || spfPass ? "none" : "quarantine");
        }
    }

    private Fixtures() {
    }

    /** An RFC 7489 aggregate report. */
    static String aggregate(String org, String reportId, String domain, long begin, long end, List<Row> rows) {
        StringBuilder xml = new StringBuilder("""
            <?xml version="1.0" encoding="UTF-8"?>
            <feedback>
              <report_metadata>
                <org_name>%s</org_name>
                <email>dmarc-reports@%s</email>
                <report_id>%s</report_id>
                <date_range><begin>%d</begin><end>%d</end></date_range>
              </report_metadata>
              <policy_published>
                <domain>%s</domain><adkim>r</adkim><aspf>r</aspf><p>quarantine</p><sp>quarantine</sp><pct>100</pct>
              </policy_published>
            """.formatted(org, org.toLowerCase().replaceAll("[^a-z0-9.]", "") + ".example", reportId, begin, end, domain));
        for (Row row : rows) {
            xml.append("""
                  <record>
                    <row>
                      <source_ip>%s</source_ip>
                      <count>%d</count>
                      <policy_evaluated><disposition>%s</disposition><dkim>%s</dkim><spf>%s</spf></policy_evaluated>
                    </row>
                    <identifiers><header_from>%s</header_from></identifiers>
                    <auth_results>
                      <dkim><domain>%s</domain><selector>s1</selector><result>%s</result></dkim>
                      <spf><domain>%s</domain><result>%s</result></spf>
                    </auth_results>
                  </record>
                """.formatted(row.sourceIp(), row.count(), row.disposition(), row.dkimPass() ? "pass" : "fail",
                row.spfPass() ? "pass" : "fail", domain, domain, row.dkimPass() ? "pass" : "fail", domain,
                row.spfPass() ? "pass" : "softfail"));
        }
        return xml.append("</feedback>\n").toString();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] content) {
        return Packing.gzip(content);
    }

    static byte[] zip(Map<String, byte[]> members) {
        return Packing.zip(members);
    }

    /** An attachment of a mail. */
    record Attachment(String contentType, String fileName, byte[] content) {
    }

    /** A report mail (LF line ends): a text part, then each attachment in base64. */
    static String mail(String messageId, String subject, String text, Attachment... attachments) {
        StringBuilder mail = new StringBuilder("""
            From: DMARC Reporter <noreply-dmarc@reporter.example>
            To: dmarc-rua@example.com
            Subject: %s
            Message-ID: %s
            Date: Mon, 03 Jun 2024 10:00:00 +0000
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b0undary"

            --b0undary
            Content-Type: text/plain; charset=utf-8

            %s
            """.formatted(subject, messageId, text));
        for (Attachment attachment : attachments) {
            mail.append("--b0undary\nContent-Type: ").append(attachment.contentType()).append("; name=\"").append(attachment.fileName())
                .append("\"\nContent-Disposition: attachment; filename=\"").append(attachment.fileName())
                .append("\"\nContent-Transfer-Encoding: base64\n\n")
                .append(Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(attachment.content()))
                .append("\n");
        }
        return mail.append("--b0undary--\n").toString();
    }

    /** A mail with a good report attached (good.xml.gz, part 2) and one whose gzip is damaged (bad.xml.gz, part 3). */
    static String mailWithAGoodAndADamagedReport(String goodXml, String badXml) {
        byte[] damaged = gzip(bytes(badXml));
        damaged[damaged.length / 2] ^= 0x55;
        damaged[damaged.length / 2 + 1] ^= 0x55;
        return mail("<mixed@reporter.example>", "reports", "two reports",
            new Attachment("application/gzip", "good.xml.gz", gzip(bytes(goodXml))),
            new Attachment("application/gzip", "bad.xml.gz", damaged));
    }

    /** An RFC 6591 failure report mail. */
    static String failureMail(String messageId, String domain, String sourceIpAsWritten, String arrivalDate) {
        return """
            From: DMARC failures <ruf@reporter.example>
            To: dmarc-ruf@%1$s
            Subject: DMARC failure report for %1$s
            Message-ID: %2$s
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=feedback-report; boundary="fb"

            --fb
            Content-Type: text/plain

            A message claiming to be from %1$s failed DMARC.
            --fb
            Content-Type: message/feedback-report

            Feedback-Type: auth-failure
            User-Agent: reporter/1.0
            Version: 1
            Auth-Failure: dmarc
            Identity-Alignment: none
            Original-Mail-From: <bounce@forger.example>
            Arrival-Date: %4$s
            Source-IP: %3$s
            Reported-Domain: %1$s

            --fb
            Content-Type: text/rfc822-headers

            From: ceo@%1$s
            To: staff@%1$s
            Subject: Urgent wire transfer
            Message-ID: <forged-1@forger.example>

            --fb--
            """.formatted(domain, messageId, sourceIpAsWritten, arrivalDate);
    }

    /** An mbox (mboxrd) of the messages: a From line before each, body lines beginning ">*From " quoted, a blank line after each. */
    static String mbox(List<String> messages) {
        StringBuilder mbox = new StringBuilder();
        int n = 0;
        for (String message : messages) {
            mbox.append("From MAILER-DAEMON Mon Jun  3 10:0").append(n++ % 10).append(":00 2024\n");
            for (String line : message.split("\n", -1)) {
                mbox.append(line.matches(">*From .*") ? ">" + line : line).append('\n');
            }
            // split() gave a last empty line for the message's final line end: the line end above is the blank line
        }
        return mbox.toString();
    }
}
