package io.jamesdmarc.cli.inputs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** File errors in words for an operator, e.g. "permission denied" rather than an exception's class name. */
public final class IoProblems {

    private IoProblems() {
    }

    public static String describe(IOException error) {
        if (error instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (error instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (error instanceof FileSystemException files && files.getReason() != null) {
            return files.getReason();
        }
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }
}
