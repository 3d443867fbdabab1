package io.jamesdmarc.cli;

import java.io.Console;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether the tool talks to a person at a terminal: then, and only then, it draws progress in place. */
final class Terminal {

    private Terminal() {
    }

    /** A console is attached (standard input and output are a terminal) and standard error, where progress goes, is one too. */
    static boolean interactive() {
        Console console = System.console();
        if (console == null || !isTerminal(console)) {
            return false;
        }
        return standardErrorIsTerminal();
    }

    /** JDK 22+ gives a console even when redirected and says whether it is a terminal; JDK 21 gives none then. */
    private static boolean isTerminal(Console console) {
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** On Linux, where descriptor 2 points; elsewhere, trust the console. */
    private static boolean standardErrorIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        if (!Files.exists(Path.of("/proc/self/fd"))) {
            return true;
        }
        try {
            String target = Files.readSymbolicLink(fd).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // standard error cannot be told a terminal: no progress bar, the safe choice for pipes and logs
            return false;
        }
    }
}
