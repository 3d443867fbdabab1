package io.jamesdmarc.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;

/** One run of the dmarc command in this JVM, as the launcher runs it: exit status, standard output and error. */
record DmarcRun(int status, String out, String err) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static DmarcRun of(String... args) {
        CommandLine commandLine = DmarcCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int status = commandLine.execute(args);
        return new DmarcRun(status, out.toString(), err.toString());
    }

    /** Standard output as one JSON value per line. */
    List<JsonNode> jsonLines() {
        return out.lines().filter(line -> !line.isBlank()).map(DmarcRun::json).toList();
    }

    /** Standard output as one JSON value. */
    JsonNode json() {
        return json(out);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    @Override
    public String toString() {
        return "exit " + status + "\n--- out\n" + out + "--- err\n" + err;
    }
}
