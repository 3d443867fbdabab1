package io.jamesdmarc.cli.inputs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The files the command-line paths stand for: a file as it is; a folder walked recursively, in
 * name order; a Maildir folder's messages ({@code cur/} and {@code new/}, not {@code tmp/}). In
 * folders, hidden entries (names beginning with a dot: {@code .DS_Store}, editor backups) are
 * skipped, except Maildir++ subfolders ({@code .Reports}). Symbolic links to files are followed;
 * links to folders are not (no loops). A path that does not exist or a folder that cannot be listed
 * comes back as an unusable {@link InputFile} with the reason, so that one bad path never stops
 * the others.
 */
public final class InputFinder {

    private InputFinder() {
    }

    public static List<InputFile> find(List<Path> paths) {
        List<InputFile> found = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                folder(path, found);
            } else if (Files.isRegularFile(path)) {
                found.add(InputFile.of(path));
            } else if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) || Files.exists(path)) {
                found.add(InputFile.unusable(path, Files.isSymbolicLink(path) && !Files.exists(path)
                    ? "a broken symbolic link" : "neither a file nor a folder"));
            } else {
                found.add(InputFile.unusable(path, "no such file or folder"));
            }
        }
        return found;
    }

    private static void folder(Path folder, List<InputFile> found) {
        if (Maildir.isMaildir(folder)) {
            for (String messages : new String[] {"cur", "new"}) {
                for (Path file : list(folder.resolve(messages), found)) {
                    if (Files.isRegularFile(file) && !hidden(file)) {
                        found.add(InputFile.maildirMessage(file, folder));
                    }
                }
            }
        }
        for (Path entry : list(folder, found)) {
            boolean directory = Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS);
            if (Maildir.isMaildir(folder) && directory && isMaildirPart(entry)) {
                continue;
            }
            if (hidden(entry) && !(directory && Maildir.isMaildir(entry))) {
                continue;
            }
            if (directory) {
                folder(entry, found);
            } else if (Files.isRegularFile(entry) && !Maildir.isMaildir(folder)) {
                // a Maildir's own files (dovecot-uidlist, maildirfolder, subscriptions) are no mail
                found.add(InputFile.of(entry));
            }
        }
    }

    private static boolean isMaildirPart(Path entry) {
        String name = entry.getFileName().toString();
        return name.equals("cur") || name.equals("new") || name.equals("tmp");
    }

    private static boolean hidden(Path path) {
        return path.getFileName().toString().startsWith(".");
    }

    /** The folder's entries in name order; an unusable entry in {@code found} when it cannot be listed. */
    private static List<Path> list(Path folder, List<InputFile> found) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            stream.forEach(entries::add);
        } catch (IOException | RuntimeException e) {
            found.add(InputFile.unusable(folder, "cannot list the folder: "
                + (e instanceof IOException io ? IoProblems.describe(io) : String.valueOf(e.getMessage()))));
            return List.of();
        }
        entries.sort(Comparator.comparing(Path::toString));
        return entries;
    }
}
