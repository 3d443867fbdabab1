package io.jamesdmarc.cli.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.common.io.ByteStreams;

class MboxFileTest {

    @TempDir
    Path dir;

    private static final String FIRST = """
        From: a@reporter.example
        Subject: one

        body of one
        >From the quoted line of an mboxrd writer
        >>From a line that began with >From
        From here on: unquoted, yet no separator (no time)
        """;
    private static final String SECOND = """
        From: b@reporter.example
        Subject: two

        body of two, which ends with an empty line

        """;
    private static final String THIRD = "From: c@reporter.example\nSubject: three\n\nlast, with no final line end";

    @Test
    void findsEachMessageAndUndoesTheFromQuoting() throws Exception {
        Path mbox = write("""
            From MAILER-DAEMON Fri Jul  8 12:08:34 2011
            %s
            From b@reporter.example Sat Jul  9 01:02:03 2011
            %s
            From - Sun Jul 10 10:00:00 2011
            %s""".formatted(FIRST, SECOND, THIRD));

        MboxFile file = MboxFile.index(mbox);

        assertThat(file.messages()).extracting(MboxFile.Message::number).containsExactly(1, 2, 3);
        assertThat(content(file, 0)).isEqualTo("""
            From: a@reporter.example
            Subject: one

            body of one
            From the quoted line of an mboxrd writer
            >From a line that began with >From
            From here on: unquoted, yet no separator (no time)
            """);
        // the blank lines before a separator are the mbox writer's: the message's own last empty line goes with them
        assertThat(content(file, 1)).isEqualTo("From: b@reporter.example\nSubject: two\n\nbody of two, which ends with an empty line\n");
        assertThat(content(file, 2)).isEqualTo(THIRD);
        assertThat(file.messages().get(2).quoted()).isFalse();
    }

    @Test
    void readsCrlfMailboxes() throws Exception {
        String lf = "From x@reporter.example Mon Jun  3 10:00:00 2024\n" + FIRST + "\nFrom y@reporter.example Mon Jun  3 10:01:00 2024\n" + SECOND;
        Path mbox = write(lf.replace("\n", "\r\n"));

        MboxFile file = MboxFile.index(mbox);

        assertThat(file.messages()).hasSize(2);
        assertThat(content(file, 0)).startsWith("From: a@reporter.example\r\n").contains("\r\nFrom the quoted line")
            .endsWith("(no time)\r\n");
        assertThat(content(file, 1)).endsWith("empty line\r\n");
    }

    @Test
    void aLineLikeASeparatorButWithoutADateIsBody() throws Exception {
        Path mbox = write("From x@reporter.example Mon Jun  3 10:00:00 2024\nSubject: s\n\nFrom me to you\n");

        assertThat(MboxFile.index(mbox).messages()).hasSize(1);
    }

    @Test
    void tellsAnMboxByItsFirstLine() {
        assertThat(looksLikeMbox("From MAILER-DAEMON Fri Jul  8 12:08:34 2011\nSubject: x\n")).isTrue();
        assertThat(looksLikeMbox("From - Sun Jul 10 10:00:00 2011\r\n")).isTrue();
        assertThat(looksLikeMbox("From: someone@example.com\n")).isFalse();
        assertThat(looksLikeMbox("<?xml version=\"1.0\"?><feedback/>")).isFalse();
        assertThat(looksLikeMbox("From ")).isFalse();
    }

    @Test
    void unquotingKeepsEveryOtherByteWhateverTheReadSizes() throws Exception {
        String quoted = ">From a\n>>From b\n>Fro\n>From\n>From \n>>>x\nplain From c\n>From";
        String unquoted = "From a\n>From b\n>Fro\n>From\nFrom \n>>>x\nplain From c\n>From";
        byte[] bytes = quoted.getBytes(StandardCharsets.US_ASCII);

        try (InputStream in = new MboxFile.FromUnquoting(new ByteArrayInputStream(bytes))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(unquoted);
        }
        try (InputStream in = new MboxFile.FromUnquoting(new ByteArrayInputStream(bytes))) {
            StringBuilder oneByOne = new StringBuilder();
            for (int b = in.read(); b >= 0; b = in.read()) {
                oneByOne.append((char) b);
            }
            assertThat(oneByOne.toString()).isEqualTo(unquoted);
        }
        try (InputStream in = new MboxFile.FromUnquoting(new ByteArrayInputStream(bytes))) {
            byte[] small = new byte[3];
            StringBuilder chunks = new StringBuilder();
            for (int n = in.read(small); n >= 0; n = in.read(small)) {
                chunks.append(new String(small, 0, n, StandardCharsets.US_ASCII));
            }
            assertThat(chunks.toString()).isEqualTo(unquoted);
        }
    }

    @Test
    void unquotingReadsLongLinesInLargeReads() throws Exception {
        String line = "x".repeat(70_000);
        byte[] bytes = (line + "\n>From y\n" + line).getBytes(StandardCharsets.US_ASCII);

        try (InputStream in = new MboxFile.FromUnquoting(new ByteArrayInputStream(bytes))) {
            assertThat(new String(in.readNBytes(200_000), StandardCharsets.US_ASCII)).isEqualTo(line + "\nFrom y\n" + line);
        }
    }

    private Path write(String text) throws Exception {
        Path file = dir.resolve("mbox-" + System.nanoTime());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static String content(MboxFile file, int index) throws Exception {
        try (InputStream in = file.content(file.messages().get(index)).openStream()) {
            return new String(ByteStreams.toByteArray(in), StandardCharsets.UTF_8);
        }
    }

    private static boolean looksLikeMbox(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return MboxFile.looksLikeMbox(bytes, bytes.length);
    }
}
