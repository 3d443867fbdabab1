package io.jamesdmarc.cli.importing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private static ImportRun.Totals totals(int filesDone, int files, int failed) {
        List<InputOutcome.Failure> failures = failed == 0 ? List.of()
            : List.of(new InputOutcome.Failure("x.xml", Optional.empty(), "MALFORMED_XML", "line 1", InputOutcome.Kept.NOW));
        return new ImportRun.Totals(filesDone, files, filesDone, 70, 7, 3, 12_345, failed, failures, 0, Duration.ofSeconds(2));
    }

    @Test
    void theLineShowsTheBarCountsAndRate() {
        assertThat(ProgressBar.line(totals(48, 96, 0), 20_000, 120))
            .isEqualTo("[##########..........] 48/96 files  80 reports  20,000 records  10,000 records/s");
        assertThat(ProgressBar.line(totals(96, 96, 2), 20_000, 120)).startsWith("[####################] 96/96 files").endsWith("  2 failed");
    }

    @Test
    void theLineFitsTheTerminal() {
        assertThat(ProgressBar.line(totals(1, 96, 1), 1_000_000, 50)).hasSize(49);
    }

    @Test
    void closingClearsTheLineItDrew() throws Exception {
        StringWriter err = new StringWriter();
        ImportRun run = new ImportRun(3);
        try (ProgressBar bar = new ProgressBar(new PrintWriter(err, true), run, () -> 42, 80)) {
            Thread.sleep(300);
        }
        String drawn = err.toString();
        assertThat(drawn).startsWith("\r[....................] 0/3 files").contains("42 records");
        // the last thing written blanks the line and returns to its start
        assertThat(drawn).endsWith("\r").matches("(?s).*\r +\r");
    }
}
