package io.jamesdmarc.model.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReportUriTest {

    @Test
    void readsAMailtoUri() {
        ReportUri uri = ReportUri.parse("mailto:dmarc-feedback@Example.COM");

        assertThat(uri.usable()).isTrue();
        assertThat(uri.mailbox()).contains("dmarc-feedback@example.com");
        assertThat(uri.host()).contains("example.com");
        assertThat(uri.legacySizeLimit()).isEmpty();
    }

    @Test
    void decodesPercentEncodingAndDropsHeaderFields() {
        ReportUri uri = ReportUri.parse("mailto:reports%21dmarc@example.com?subject=dmarc");

        assertThat(uri.mailbox()).contains("reports!dmarc@example.com");
    }

    @Test
    void keepsAPlusAsAPlus() {
        assertThat(ReportUri.parse("mailto:dmarc+rua@example.com").mailbox()).contains("dmarc+rua@example.com");
    }

    @Test
    void turnsAnInternationalDomainIntoItsALabel() {
        assertThat(ReportUri.parse("mailto:rapports@b%C3%BCcher.example").mailbox()).contains("rapports@xn--bcher-kva.example");
    }

    @Test
    void refusesSeveralAddressesInOneUri() {
        ReportUri uri = ReportUri.parse("mailto:a@example.com%2Cb@example.com");

        assertThat(uri.usable()).isFalse();
        assertThat(uri.ignoredBecause()).contains("several addresses in one mailto URI");
    }

    @Test
    void splitsAListOnCommasWithWhiteSpace() {
        assertThat(ReportUri.parseList(" mailto:a@example.com ,mailto:b@example.com, ,"))
            .extracting(ReportUri::text).containsExactly("mailto:a@example.com", "mailto:b@example.com");
    }
}
