package io.jamesdmarc.model.unpack;

import static io.jamesdmarc.model.unpack.Packing.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Properties;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.google.common.io.ByteSource;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.SharedInputStream;

class SharedByteSourceStreamTest {

    @Test
    void partsAreSlicesOfTheSourceNotCopies() throws Exception {
        byte[] attachment = new byte[300 * 1024];
        new Random(1).nextBytes(attachment);
        String mail = "From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
            + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Packing.base64Lines(attachment) + "\r\n--b--\r\n";

        MimeMessage message;
        try (SharedByteSourceStream in = new SharedByteSourceStream(ByteSource.wrap(utf8(mail)))) {
            message = new MimeMessage(Session.getInstance(new Properties()), in);
        }
        MimeMultipart multipart = new MimeMultipart(message.getDataHandler().getDataSource());

        assertThat(multipart.getCount()).isEqualTo(2);
        BodyPart text = multipart.getBodyPart(0);
        assertThat(new String(text.getInputStream().readAllBytes())).isEqualTo("hello");
        MimeBodyPart binary = (MimeBodyPart) multipart.getBodyPart(1);
        try (InputStream raw = binary.getRawInputStream()) {
            assertThat(raw).isInstanceOf(SharedInputStream.class);
        }
        try (InputStream decoded = binary.getInputStream()) {
            assertThat(decoded.readAllBytes()).isEqualTo(attachment);
        }
    }

    @Test
    void positionsFollowReadsSkipsAndResets() throws Exception {
        try (SharedByteSourceStream in = new SharedByteSourceStream(ByteSource.wrap(utf8("0123456789")))) {
            assertThat(in.read()).isEqualTo('0');
            in.mark(100);
            assertThat(in.skip(3)).isEqualTo(3);
            assertThat(in.getPosition()).isEqualTo(4);
            in.reset();
            assertThat(in.getPosition()).isEqualTo(1);
            try (InputStream slice = in.newStream(2, 5)) {
                assertThat(new String(slice.readAllBytes())).isEqualTo("234");
            }
            try (InputStream rest = in.newStream(7, -1)) {
                assertThat(new String(rest.readAllBytes())).isEqualTo("789");
            }
        }
    }
}
