package io.jamesdmarc.cli.inputs;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.google.common.io.ByteSource;
import com.google.common.io.MoreFiles;

/**
 * The messages of an mbox file, found by their {@code From } separator lines (mboxo, mboxrd, as
 * Postfix, Dovecot, mutt and Thunderbird write them; LF or CRLF line ends). Each message is read
 * from the file when asked for, with its {@code >From } quoting undone (mboxrd: one {@code >} less
 * on each line that begins with {@code >...>From }), so an mbox of any size costs one pass to index
 * and little memory.
 *
 * <p>A separator is a line that begins with {@code From }, names a sender and holds a time
 * ({@code From MAILER-DAEMON Fri Jul  8 12:08:34 2011}); writers quote every body line that
 * begins with {@code From }. The blank lines the mbox writer adds after each message belong to no
 * message.
 */
public final class MboxFile {

    private static final byte[] FROM = "From ".getBytes(StandardCharsets.US_ASCII);
    /** "From sender date": a word after From, and a time somewhere in the date. */
    private static final Pattern SEPARATOR = Pattern.compile("From \\S+ .*\\d{1,2}:\\d{2}.*");
    private static final Pattern QUOTED_FROM = Pattern.compile(">+From ");
    /** A separator line longer than this is no separator (and not worth a pattern match). */
    private static final int MAX_SEPARATOR = 1000;

    /** One message: where its bytes are in the file (separator line excluded), and whether it has quoted From lines. */
    public record Message(int number, long offset, long length, boolean quoted) {
    }

    private final Path file;
    private final List<Message> messages;

    private MboxFile(Path file, List<Message> messages) {
        this.file = file;
        this.messages = List.copyOf(messages);
    }

    /** Whether {@code head} (the first bytes of a file) begins like an mbox: a {@code From } separator line. */
    public static boolean looksLikeMbox(byte[] head, int length) {
        if (length < FROM.length) {
            return false;
        }
        for (int i = 0; i < FROM.length; i++) {
            if (head[i] != FROM[i]) {
                return false;
            }
        }
        int end = 0;
        while (end < length && head[end] != '\n' && end < MAX_SEPARATOR) {
            end++;
        }
        return SEPARATOR.matcher(new String(head, 0, end, StandardCharsets.ISO_8859_1).stripTrailing()).matches();
    }

    /** Reads the file once to find its messages. */
    public static MboxFile index(Path file) throws IOException {
        List<Message> messages = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            LineReader lines = new LineReader(in);
            long start = -1;         // first byte of the current message
            long end = -1;           // end of the current message's last line before any blank line
            boolean quoted = false;
            boolean previousBlank = true;
            long lineStart;
            while ((lineStart = lines.next()) >= 0) {
                // mboxo and mboxrd writers quote every body line that begins with "From ": any such line is a separator
                boolean separator = lines.startsWith(FROM) && isSeparator(lines);
                if (separator) {
                    if (start >= 0) {
                        messages.add(new Message(messages.size() + 1, start, end - start, quoted));
                    }
                    start = lines.position();
                    end = start;
                    quoted = false;
                    previousBlank = false;
                    continue;
                }
                if (start < 0) {
                    // bytes before the first separator: not an mbox message (the caller checked the head)
                    previousBlank = lines.isBlank();
                    continue;
                }
                quoted |= lines.isQuotedFrom();
                if (lines.isBlank()) {
                    // a blank line ends the message only if a separator follows: remember where the text ended
                    if (!previousBlank) {
                        end = lineStart;
                    }
                    previousBlank = true;
                } else {
                    end = lines.position();
                    previousBlank = false;
                }
            }
            if (start >= 0) {
                // the last message: a final blank line is the writer's, as before each separator
                messages.add(new Message(messages.size() + 1, start, (previousBlank ? end : lines.position()) - start, quoted));
            }
        }
        return new MboxFile(file, messages);
    }

    private static boolean isSeparator(LineReader lines) {
        String line = lines.text(MAX_SEPARATOR);
        return line != null && SEPARATOR.matcher(line).matches();
    }

    public Path file() {
        return file;
    }

    public List<Message> messages() {
        return messages;
    }

    /** The bytes of a message as its sender wrote them: {@code >From} quoting undone. */
    public ByteSource content(Message message) {
        ByteSource slice = MoreFiles.asByteSource(file).slice(message.offset(), message.length());
        if (!message.quoted()) {
            return slice;
        }
        return new ByteSource() {
            @Override
            public InputStream openStream() throws IOException {
                return new FromUnquoting(slice.openStream());
            }
        };
    }

    /** Reads lines of bytes, knowing where each begins and ends; looks at the start of each line only. */
    private static final class LineReader {
        private final InputStream in;
        private long position;
        private final byte[] head = new byte[MAX_SEPARATOR + 2];
        private int headLength;
        private boolean blank;

        LineReader(InputStream in) {
            this.in = in;
        }

        /** Reads the next line; returns where it began, or -1 at the end. */
        long next() throws IOException {
            long start = position;
            headLength = 0;
            blank = true;
            int b = in.read();
            if (b < 0) {
                return -1;
            }
            while (b >= 0) {
                position++;
                if (headLength < head.length) {
                    head[headLength++] = (byte) b;
                }
                if (b == '\n') {
                    break;
                }
                if (b != '\r') {
                    blank = false;
                }
                b = in.read();
            }
            return start;
        }

        /** Where the line just read ends (after its line break). */
        long position() {
            return position;
        }

        boolean isBlank() {
            return blank;
        }

        boolean startsWith(byte[] prefix) {
            if (headLength < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (head[i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        boolean isQuotedFrom() {
            int i = 0;
            while (i < headLength && head[i] == '>') {
                i++;
            }
            return i > 0 && headLength - i >= FROM.length && new String(head, i, FROM.length, StandardCharsets.ISO_8859_1).equals("From ");
        }

        /** The line without its line break, or null when longer than {@code max}. */
        String text(int max) {
            if (headLength > max + 1) {
                return null;
            }
            int end = headLength;
            while (end > 0 && (head[end - 1] == '\n' || head[end - 1] == '\r')) {
                end--;
            }
            return new String(head, 0, end, StandardCharsets.ISO_8859_1);
        }
    }

    /** Removes one {@code >} from each line that begins with {@code >...>From } (mboxrd; mboxo's single {@code >From} too). */
    static final class FromUnquoting extends InputStream {
        /** How far a line start is looked at: more '>' than this and the line is left as it is. */
        private static final int MAX_PEEK = 1024;
        private static final byte[] FROM_SPACE = "From ".getBytes(StandardCharsets.US_ASCII);

        private final PushbackInputStream in;
        private boolean lineStart = true;

        FromUnquoting(InputStream in) {
            this.in = new PushbackInputStream(new BufferedInputStream(in, 1 << 16), MAX_PEEK);
        }

        @Override
        public int read() throws IOException {
            if (lineStart) {
                lineStart = false;
                unquoteLineStart();
            }
            int b = in.read();
            if (b == '\n') {
                lineStart = true;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (lineStart) {
                lineStart = false;
                unquoteLineStart();
            }
            // at most what the push-back buffer can take back
            int n = in.read(buffer, offset, Math.min(length, MAX_PEEK));
            if (n <= 0) {
                return n;
            }
            // hand out at most one line: the next line's start needs its look
            for (int i = offset; i < offset + n; i++) {
                if (buffer[i] == '\n') {
                    int rest = offset + n - (i + 1);
                    if (rest > 0) {
                        in.unread(buffer, i + 1, rest);
                    }
                    lineStart = true;
                    return i + 1 - offset;
                }
            }
            return n;
        }

        /** At a line start: reads '>'s and what follows; drops one '>' when "From " follows them, puts the rest back. */
        private void unquoteLineStart() throws IOException {
            byte[] peek = new byte[MAX_PEEK];
            int length = 0;
            int arrows = 0;
            while (length < MAX_PEEK) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                peek[length++] = (byte) b;
                if (b == '>' && arrows == length - 1) {
                    arrows++;
                    continue;
                }
                if (arrows == 0 || b == '\n' || length - arrows >= FROM_SPACE.length) {
                    break; // not quoted, or the line ends, or enough to tell
                }
            }
            boolean quotedFrom = arrows > 0 && length - arrows == FROM_SPACE.length;
            for (int i = 0; quotedFrom && i < FROM_SPACE.length; i++) {
                quotedFrom = peek[arrows + i] == FROM_SPACE[i];
            }
            int keepFrom = quotedFrom ? 1 : 0;
            if (length > keepFrom) {
                in.unread(peek, keepFrom, length - keepFrom);
            }
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
