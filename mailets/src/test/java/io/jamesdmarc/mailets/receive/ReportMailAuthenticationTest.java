package io.jamesdmarc.mailets.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.jamesdmarc.mailets.DmarcAttributes;
import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.storage.ingest.MailAuthentication;

class ReportMailAuthenticationTest {

    /** Mails made by a test, released after it as James's spooler releases each mail. */
    private static final List<Mail> MAILS = new ArrayList<>();

    @AfterEach
    void release() {
        MAILS.forEach(LifecycleUtil::dispose);
        MAILS.clear();
    }

    private static final String HEADERS_WITH_TWO_FIELDS = """
        Authentication-Results: forger.example; dkim=pass header.d=google.com; spf=pass smtp.mailfrom=google.com; dmarc=pass header.from=google.com
        Authentication-Results: MX.Example.com;
        \tdkim=fail header.d=other.example; dkim=pass header.d=Google.COM. header.s=20230601;
        \tspf=softfail smtp.mailfrom=noreply-dmarc-support@google.com;
        \tdmarc=fail header.from=google.com
        From: noreply-dmarc-support@google.com
        Subject: Report domain: example.com
        Message-ID: <r1@google.com>

        body
        """;

    @Test
    void nothingKnownWithoutAttributesOrATrustedField() throws Exception {
        MailAuthentication auth = new ReportMailAuthentication(Set.of()).read(mail(HEADERS_WITH_TWO_FIELDS));

        assertThat(auth).isEqualTo(MailAuthentication.UNKNOWN);
    }

    @Test
    void theTrustedHostsFieldIsReadAndKeptOthersAreNot() throws Exception {
        MailAuthentication auth = new ReportMailAuthentication(Set.of("mx.example.com")).read(mail(HEADERS_WITH_TWO_FIELDS));

        assertThat(auth.dkimResult()).contains("pass");
        assertThat(auth.dkimDomain()).contains("google.com");
        assertThat(auth.spfResult()).contains("softfail");
        assertThat(auth.spfDomain()).contains("google.com");
        assertThat(auth.dmarcResult()).contains("fail");
        assertThat(auth.authenticationResults()).contains("MX.Example.com; dkim=fail header.d=other.example; "
            + "dkim=pass header.d=Google.COM. header.s=20230601; spf=softfail smtp.mailfrom=noreply-dmarc-support@google.com; "
            + "dmarc=fail header.from=google.com");
    }

    @Test
    void jamesOwnMailetsAttributesComeBeforeATrustedField() throws Exception {
        Mail mail = mail(HEADERS_WITH_TWO_FIELDS);
        mail.setAttribute(new Attribute(DmarcAttributes.JAMES_DKIM_RESULT, AttributeValue.of("pass (identity @Google.com)")));
        mail.setAttribute(new Attribute(DmarcAttributes.JAMES_SPF_RESULT, AttributeValue.of("pass")));

        MailAuthentication auth = new ReportMailAuthentication(Set.of("mx.example.com")).read(mail);

        assertThat(auth.dkimResult()).contains("pass");
        assertThat(auth.dkimDomain()).contains("google.com");
        assertThat(auth.spfResult()).contains("pass");
        assertThat(auth.spfDomain()).as("the MAIL FROM domain").contains("bounces.google.com");
        assertThat(auth.dmarcResult()).as("James has no DMARC: from the trusted field").contains("fail");
    }

    @Test
    void jamesDkimVerifyWordings() throws Exception {
        assertThat(jamesDkim("neutral (no signatures)")).isEqualTo(new String[] {"none", null});
        assertThat(jamesDkim("fail (identity@example.org:body hash mismatch)")).isEqualTo(new String[] {"fail", "example.org"});
        assertThat(jamesDkim("pass (identity news@mail.example.org) (identity @b.example)")).isEqualTo(new String[] {"pass", "mail.example.org"});
    }

    @Test
    void ourEvaluationComesFirst() throws Exception {
        Mail mail = mail(HEADERS_WITH_TWO_FIELDS);
        mail.setAttribute(new Attribute(DmarcAttributes.JAMES_DKIM_RESULT, AttributeValue.of("fail (identity@x.example:bad)")));
        mail.setAttribute(new Attribute(DmarcAttributes.DKIM_RESULT, AttributeValue.of("PASS")));
        mail.setAttribute(new Attribute(DmarcAttributes.DKIM_DOMAIN, AttributeValue.of("google.com")));
        mail.setAttribute(new Attribute(DmarcAttributes.SPF_RESULT, AttributeValue.of("fail")));
        mail.setAttribute(new Attribute(DmarcAttributes.SPF_DOMAIN, AttributeValue.of("bounces.google.com")));
        mail.setAttribute(new Attribute(DmarcAttributes.DMARC_RESULT, AttributeValue.of("pass")));

        MailAuthentication auth = new ReportMailAuthentication(Set.of()).read(mail);

        assertThat(auth).isEqualTo(new MailAuthentication(Optional.of("pass"), Optional.of("google.com"), Optional.of("fail"),
            Optional.of("bounces.google.com"), Optional.of("pass"), Optional.empty()));
    }

    @Test
    void aNullReversePathIsCheckedOnTheHeloName() throws Exception {
        Mail mail = kept(InboundMail.of("m", HEADERS_WITH_TWO_FIELDS.getBytes(StandardCharsets.UTF_8), null, "dmarc-rua@example.com"));
        mail.setAttribute(new Attribute(DmarcAttributes.JAMES_SPF_RESULT, AttributeValue.of("neutral")));
        mail.setAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail-out.google.com")));

        MailAuthentication auth = new ReportMailAuthentication(Set.of()).read(mail);

        assertThat(auth.spfResult()).contains("neutral");
        assertThat(auth.spfDomain()).contains("mail-out.google.com");
    }

    private static String[] jamesDkim(String value) throws Exception {
        Mail mail = mail("Subject: x\n\nbody\n");
        mail.setAttribute(new Attribute(DmarcAttributes.JAMES_DKIM_RESULT, AttributeValue.of(value)));
        MailAuthentication auth = new ReportMailAuthentication(Set.of()).read(mail);
        return new String[] {auth.dkimResult().orElse(null), auth.dkimDomain().orElse(null)};
    }

    private static Mail kept(Mail mail) {
        MAILS.add(mail);
        return mail;
    }

    private static Mail mail(String message) throws Exception {
        return kept(InboundMail.of("m", message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8), "noreply@bounces.google.com",
            "dmarc-rua@example.com"));
    }
}
