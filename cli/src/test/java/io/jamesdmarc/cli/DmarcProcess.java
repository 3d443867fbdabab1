package io.jamesdmarc.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.storage.testing.TestClassPath;

/** The dmarc command in a JVM of its own, started from the test class path, as a second user would run it. */
final class DmarcProcess {

    private final Process process;
    private final Path out;
    private final Path err;

    private DmarcProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * @param environment variables to set (a null value removes the variable)
     * @param logs folder for the process's standard output and error
     */
    static DmarcProcess start(Path logs, String name, Map<String, String> environment, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(TestClassPath.java(), "-Xmx256m", "-cp", TestClassPath.of(),
            "-Dlogback.configurationFile=" + Corpus.projectRoot().resolve("cli/src/test/resources/logback-cli-test.xml"),
            DmarcCommand.class.getName()));
        command.addAll(args);
        Files.createDirectories(logs);
        Path out = logs.resolve(name + ".out");
        Path err = logs.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        environment.forEach((key, value) -> {
            if (value == null) {
                builder.environment().remove(key);
            } else {
                builder.environment().put(key, value);
            }
        });
        return new DmarcProcess(builder.start(), out, err);
    }

    /** Waits for the end; the run as {@link DmarcRun} (exit status, output, error). */
    DmarcRun await(long seconds) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("dmarc did not end within " + seconds + " s; it wrote:\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new DmarcRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no rollback from the client's side. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
