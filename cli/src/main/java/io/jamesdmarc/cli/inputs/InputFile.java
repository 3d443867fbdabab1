package io.jamesdmarc.cli.inputs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.google.common.io.ByteStreams;
import com.google.common.io.MoreFiles;

/**
 * A file found on the command line or in a folder under it, not yet opened; or a path that could
 * not be used (missing, unreadable folder), with the reason. Opening it tells a plain file from an
 * mbox by its content.
 *
 * @param name the path as reached from the command line, for output
 * @param maildir the Maildir folder the file is a message of (it is in its {@code cur/} or {@code new/})
 * @param problem why the path cannot be read, when it cannot
 */
public record InputFile(String name, Path path, Optional<Path> maildir, Optional<String> problem) {

    public InputFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(maildir, "maildir");
        Objects.requireNonNull(problem, "problem");
    }

    static InputFile of(Path path) {
        return new InputFile(path.toString(), path, Optional.empty(), Optional.empty());
    }

    static InputFile maildirMessage(Path path, Path maildir) {
        return new InputFile(path.toString(), path, Optional.of(maildir), Optional.empty());
    }

    static InputFile unusable(Path path, String problem) {
        return new InputFile(path.toString(), path, Optional.empty(), Optional.of(problem));
    }

    /**
     * What the file holds: itself, or the messages of an mbox (a file that begins with a
     * {@code From } separator line and holds more than one message; with one, it is a plain
     * e-mail saved with its envelope line, and read as it is).
     *
     * @throws IOException the file cannot be read
     */
    public List<Input> open() throws IOException {
        if (problem.isPresent()) {
            throw new IOException(problem.get());
        }
        if (maildir.isPresent()) {
            return List.of(new Input(name, path, MoreFiles.asByteSource(path),
                new Input.MaildirMessage(maildir.get(), Maildir.uniqueName(path))));
        }
        byte[] head = new byte[1024];
        int length;
        try (InputStream in = Files.newInputStream(path)) {
            length = ByteStreams.read(in, head, 0, head.length);
        }
        if (MboxFile.looksLikeMbox(head, length)) {
            MboxFile mbox = MboxFile.index(path);
            if (mbox.messages().size() > 1) {
                List<Input> inputs = new ArrayList<>(mbox.messages().size());
                for (MboxFile.Message message : mbox.messages()) {
                    inputs.add(new Input(name + "#" + message.number(), path, mbox.content(message),
                        new Input.MboxMessage(path, message.number())));
                }
                return inputs;
            }
        }
        return List.of(new Input(name, path, MoreFiles.asByteSource(path), new Input.PlainFile()));
    }
}
