package io.jamesdmarc.model.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.google.common.io.ByteSource;

class MessageHeadersTest {

    private static MessageHeaders read(String message) throws Exception {
        return MessageHeaders.read(ByteSource.wrap(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsFieldsInOrderUpToTheEmptyLineKeepingFolding() throws Exception {
        MessageHeaders headers = read("From: Alice\r\n <alice@example.com>\r\nTo: bob@example.net\r\nfrom: second@example.org\r\n"
            + "\r\nFrom: not a header, the body\r\n");

        assertThat(headers.fields()).extracting(MessageHeaders.Field::name).containsExactly("From", "To", "from");
        assertThat(headers.values("FROM")).containsExactly(" Alice\r\n <alice@example.com>", " second@example.org");
        assertThat(headers.first("From")).contains("Alice <alice@example.com>");
        assertThat(headers.text()).isEqualTo("From: Alice\r\n <alice@example.com>\r\nTo: bob@example.net\r\nfrom: second@example.org\r\n");
        assertThat(headers.truncated()).isFalse();
    }

    @Test
    void acceptsBareLineFeedsAndAMessageWithoutBody() throws Exception {
        MessageHeaders headers = read("Subject: hi\n\tthere\nMessage-ID: <1@x>\n");

        assertThat(headers.first("subject")).contains("hi\tthere");
        assertThat(headers.first("Message-ID")).contains("<1@x>");
    }

    @Test
    void ignoresLinesThatAreNotFields() throws Exception {
        MessageHeaders headers = read("From nobody Mon May  4 10:15:30 2026\r\nSubject : spaced\r\n: no name\r\n\r\nbody");

        assertThat(headers.fields()).extracting(MessageHeaders.Field::name).containsExactly("Subject");
        assertThat(headers.first("Subject")).contains("spaced");
        assertThat(headers.contains("From")).isFalse();
    }

    @Test
    void aMessageStartingWithTheEmptyLineHasNoHeader() throws Exception {
        assertThat(read("\r\nFrom: body@example.com\r\n").fields()).isEmpty();
    }

    @Test
    void keepsEightBitBytesThatAreNotUtf8AsLatin1() throws Exception {
        byte[] latin1 = "Subject: caf\u00e9\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] utf8 = "Subject: caf\u00e9\r\n\r\n".getBytes(StandardCharsets.UTF_8);

        assertThat(MessageHeaders.read(ByteSource.wrap(latin1)).first("Subject")).contains("caf\u00e9");
        assertThat(MessageHeaders.read(ByteSource.wrap(utf8)).first("Subject")).contains("caf\u00e9");
    }

    @Test
    void stopsAtTheLimitOnALineEnd() throws Exception {
        String line = "Received: " + "x".repeat(988) + "\r\n";
        String huge = line.repeat(MessageHeaders.MAX_BYTES / line.length() + 10) + "\r\nbody";

        MessageHeaders headers = read(huge);

        assertThat(headers.truncated()).isTrue();
        assertThat(headers.text().length()).isLessThanOrEqualTo(MessageHeaders.MAX_BYTES);
        assertThat(headers.text()).endsWith("x\r\n");
        assertThat(headers.fields()).allSatisfy(field -> assertThat(field.value()).hasSize(989));
    }
}
