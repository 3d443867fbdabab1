package io.jamesdmarc.cli.inputs;

import java.nio.file.Path;
import java.util.Objects;

import com.google.common.io.ByteSource;

/**
 * One thing to look for reports in: a file, or one message of an mbox file or Maildir folder.
 *
 * @param name how to call it in output ({@code "file"} of {@code dmarc parse}, the import summary): the
 *             path as reached from the command line; for an mbox message the mbox path, {@code #} and the
 *             message number (from 1)
 * @param file the file holding it
 * @param content its bytes (for an mbox message: with the mbox's {@code >From} quoting undone)
 * @param origin how it is identified when recorded, so that importing it again finds it
 */
public record Input(String name, Path file, ByteSource content, Origin origin) {

    /** Where an input lives, for its record in {@code received_messages}. */
    public sealed interface Origin permits PlainFile, MboxMessage, MaildirMessage {
    }

    /** A file of its own. */
    public record PlainFile() implements Origin {
    }

    /** Message {@code number} (from 1) of the mbox {@code mbox}. */
    public record MboxMessage(Path mbox, int number) implements Origin {
    }

    /** A message of the Maildir {@code maildir}, by its unique name (the file name without its {@code :2,} flags). */
    public record MaildirMessage(Path maildir, String uniqueName) implements Origin {
    }

    public Input {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(origin, "origin");
    }

    /** How the report extractor calls it in locations and errors: the file name, with the message number for an mbox message. */
    public String displayName() {
        String fileName = file.getFileName().toString();
        return origin instanceof MboxMessage message ? fileName + "#" + message.number() : fileName;
    }
}
