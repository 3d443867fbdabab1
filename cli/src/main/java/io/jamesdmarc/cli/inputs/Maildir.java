package io.jamesdmarc.cli.inputs;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Maildir folders (and Maildir++ subfolders): a folder with {@code cur/} and {@code new/}
 * subfolders (and {@code tmp/}, where mail being delivered waits: never read, its files are not
 * complete). Each file of {@code cur/} and {@code new/} is one message.
 */
final class Maildir {

    private Maildir() {
    }

    static boolean isMaildir(Path folder) {
        return Files.isDirectory(folder.resolve("cur")) && Files.isDirectory(folder.resolve("new"));
    }

    /**
     * The part of a message's file name that stays when a mail client moves it from {@code new/}
     * to {@code cur/} or changes its flags ({@code 1718.M1P2.host:2,S} is {@code 1718.M1P2.host}).
     */
    static String uniqueName(Path message) {
        String name = message.getFileName().toString();
        int info = name.indexOf(':');
        if (info < 0) {
            // on file systems where ':' is not allowed, some clients write '!' or ';' instead
            info = Math.max(name.lastIndexOf("!2,"), name.lastIndexOf(";2,"));
        }
        return info > 0 ? name.substring(0, info) : name;
    }
}
