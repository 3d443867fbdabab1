package io.jamesdmarc.model.unpack;

import static io.jamesdmarc.model.unpack.Packing.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.jamesdmarc.model.unpack.Sniffer.Kind;

class SnifferTest {

    @Test
    void compressedContainersByTheirMagic() {
        assertThat(kind(Packing.gzip(utf8("x")))).isEqualTo(Kind.GZIP);
        assertThat(kind(Packing.zip("a.xml", utf8("x")))).isEqualTo(Kind.ZIP);
        assertThat(kind(Packing.zlib(utf8("x")))).isEqualTo(Kind.ZLIB);
        byte[] fastest = Packing.zlib(utf8("<feedback/>"));
        fastest[1] = 0x01; // the level flag of "78 01"; the header check still holds
        assertThat(kind(fastest)).isEqualTo(Kind.ZLIB);
        assertThat(kind(utf8("x^ starts like zlib, but this is text"))).as("78 5e has a valid check value")
            .isEqualTo(Kind.TEXT);
        assertThat(kind(new byte[] {0x78, 0x02, 1, 2})).as("bad header checksum").isEqualTo(Kind.BINARY);
    }

    @Test
    void aggregateXmlAfterBomWhitespaceOrPrologue() {
        assertThat(kind(utf8("<?xml version=\"1.0\"?>\n<feedback>"))).isEqualTo(Kind.AGGREGATE_XML);
        assertThat(kind(Packing.concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, utf8("\r\n <feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">"))))
            .isEqualTo(Kind.AGGREGATE_XML);
        assertThat(kind(utf8("<ns1:feedback xmlns:ns1=\"http://dmarc.org/dmarc-xml/0.1\">"))).isEqualTo(Kind.AGGREGATE_XML);
        assertThat(kind(utf8("<?xml version=\"1.0\"?> <xs:schema xmlns:xs=\"x\">\n<feedback>"))).as("a report after a stray element")
            .isEqualTo(Kind.AGGREGATE_XML);
        assertThat(kind("\ufeff<feedback>".getBytes(StandardCharsets.UTF_16LE))).isEqualTo(Kind.AGGREGATE_XML);
        assertThat(kind(Packing.concat(new byte[] {(byte) 0xfe, (byte) 0xff}, "<feedback>".getBytes(StandardCharsets.UTF_16BE))))
            .isEqualTo(Kind.AGGREGATE_XML);
    }

    @Test
    void otherMarkupIsNoReportAndSaysWhatItIs() {
        Sniffer.Sniffed html = sniff(utf8("<div style=\"x\">This is a DMARC aggregate report</div>"));
        assertThat(html.kind()).isEqualTo(Kind.OTHER_XML);
        assertThat(html.description()).contains("<div>");
        assertThat(sniff(utf8("<<<<<<<<<<<<<<")).description()).contains("not XML");
    }

    @Test
    void eMailsWithLfCrlfOrAnMboxLine() {
        String mail = "Return-Path: <a@b.example>\nReceived: from x\n\tby y\nSubject: hi\n\nbody";
        assertThat(kind(utf8(mail))).isEqualTo(Kind.EMAIL);
        assertThat(kind(utf8(mail.replace("\n", "\r\n")))).isEqualTo(Kind.EMAIL);
        assertThat(kind(utf8("From a@b.example Tue Apr 30 02:09:16 2019\n" + mail))).isEqualTo(Kind.EMAIL);
        assertThat(kind(utf8("Sender Domain: example.com\nSender IP: 192.0.2.1\n"))).as("labels with blanks are no header")
            .isEqualTo(Kind.TEXT);
        assertThat(kind(utf8("Version: 1\nFeedback-Type: auth-failure\n"))).as("no field only a message has")
            .isEqualTo(Kind.TEXT);
    }

    @Test
    void base64OnlyWhenItDecodesToSomethingKnown() {
        assertThat(kind(utf8(Packing.base64Lines(Packing.gzip(utf8("<feedback/>")))))).isEqualTo(Kind.BASE64);
        assertThat(kind(utf8(Packing.base64Lines(utf8("<?xml version=\"1.0\"?><feedback></feedback>"))))).isEqualTo(Kind.BASE64);
        assertThat(kind(utf8("ODYiQwp+wsyNrYdG2TejnteSeRAwlECjtqfKwUCO9nNhtApB"))).as("base64 of noise").isEqualTo(Kind.TEXT);
    }

    @Test
    void placeholdersEmptinessTextAndBinary() {
        assertThat(kind(utf8("unused"))).isEqualTo(Kind.UNUSED_PLACEHOLDER);
        assertThat(kind(utf8("unused\n"))).isEqualTo(Kind.UNUSED_PLACEHOLDER);
        assertThat(kind(new byte[0])).isEqualTo(Kind.EMPTY);
        assertThat(kind(utf8(" \r\n\t"))).isEqualTo(Kind.EMPTY);
        assertThat(kind(utf8("Tue Mar  9 02:52:28 UTC 2021\n"))).isEqualTo(Kind.TEXT);
        Sniffer.Sniffed binary = sniff(new byte[] {(byte) 0xc2, 0x57, 0x5f, (byte) 0xb8, 0x1d, 0x7b, 0x01, 0x02, 0x03});
        assertThat(binary.kind()).isEqualTo(Kind.BINARY);
        assertThat(binary.description()).contains("c2 57 5f b8");
    }

    private static Kind kind(byte[] bytes) {
        return sniff(bytes).kind();
    }

    private static Sniffer.Sniffed sniff(byte[] bytes) {
        return Sniffer.sniff(bytes, bytes.length, true);
    }
}
