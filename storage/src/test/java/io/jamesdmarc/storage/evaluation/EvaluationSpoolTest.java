package io.jamesdmarc.storage.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's files: durable appends from many threads, sealing, one owner, lines read back as written. */
class EvaluationSpoolTest {

    @TempDir
    Path directory;

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.US_ASCII);
    }

    private List<String> allLines(EvaluationSpool spool) throws IOException {
        List<String> all = new ArrayList<>();
        for (Path file : spool.sealedFiles()) {
            all.addAll(lines(file));
        }
        return all;
    }

    @Test
    void linesFromManyThreadsAreAllWrittenOnceAndWhole() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try (EvaluationSpool spool = EvaluationSpool.open(directory, 64 * 1024)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 250; i++) {
                        spool.append(List.of("{\"t\":" + thread + ",\"i\":" + i + ",\"pad\":\"" + "x".repeat(i % 50) + "\"}"));
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
            spool.rotate();

            List<String> all = allLines(spool);
            assertThat(all).hasSize(2000).doesNotHaveDuplicates().allMatch(line -> line.startsWith("{") && line.endsWith("\"}"));
            // 64 KB files: the spool moved on to new files as they filled
            assertThat(spool.sealedFiles()).hasSizeGreaterThan(1);
            for (Path file : spool.sealedFiles()) {
                assertThat(Files.size(file)).isLessThan(64 * 1024 + 200);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theFileBeingWrittenIsNotReplayableUntilSealed() throws IOException {
        try (EvaluationSpool spool = EvaluationSpool.open(directory, 1024 * 1024)) {
            spool.append(List.of("{\"a\":1}", "{\"a\":2}"));

            assertThat(spool.sealedFiles()).isEmpty();
            assertThat(spool.hasPending()).isTrue();

            spool.rotate();
            spool.append(List.of("{\"a\":3}"));

            assertThat(spool.sealedFiles()).singleElement().satisfies(file ->
                assertThat(lines(file)).containsExactly("{\"a\":1}", "{\"a\":2}"));
        }
    }

    @Test
    void closingSealsSoTheNextProcessReplaysEverything() throws IOException {
        try (EvaluationSpool spool = EvaluationSpool.open(directory, 1024 * 1024)) {
            spool.append(List.of("{\"a\":1}"));
        }
        try (EvaluationSpool next = EvaluationSpool.open(directory, 1024 * 1024)) {
            next.append(List.of("{\"a\":2}"));

            assertThat(next.sealedFiles()).singleElement().satisfies(file -> assertThat(lines(file)).containsExactly("{\"a\":1}"));
        }
    }

    @Test
    void aSecondRecorderCannotTakeTheDirectory() throws IOException {
        try (EvaluationSpool spool = EvaluationSpool.open(directory, 1024 * 1024)) {
            assertThatThrownBy(() -> EvaluationSpool.open(directory, 1024 * 1024))
                .isInstanceOf(IOException.class).hasMessageContaining("in use by another recorder").hasMessageContaining(directory.toString());
        }
        EvaluationSpool.open(directory, 1024 * 1024).close();
    }

    @Test
    void theReaderTellsWholeLinesFromCutAndForeignOnes() throws IOException {
        Path file = directory.resolve("evaluations-x.jsonl");
        Files.write(file, ("{\"a\":1}\n\nbad \u00e9\n{\"a\":2}\n{\"cut").getBytes(StandardCharsets.UTF_8));

        List<EvaluationSpool.Line> lines = new ArrayList<>();
        try (EvaluationSpool.LineReader reader = EvaluationSpool.read(file, 0)) {
            EvaluationSpool.Line line;
            while ((line = reader.next()) != null) {
                lines.add(line);
            }
        }

        assertThat(lines).extracting(EvaluationSpool.Line::text).containsExactly("{\"a\":1}", "", "bad \u00c3\u00a9", "{\"a\":2}", "{\"cut");
        assertThat(lines).extracting(EvaluationSpool.Line::ascii).containsExactly(true, true, false, true, true);
        assertThat(lines).extracting(EvaluationSpool.Line::terminated).containsExactly(true, true, true, true, false);
        assertThat(lines.get(3).end()).isEqualTo(("{\"a\":1}\n\nbad \u00e9\n{\"a\":2}\n").getBytes(StandardCharsets.UTF_8).length);
        try (EvaluationSpool.LineReader resumed = EvaluationSpool.read(file, lines.get(2).end())) {
            assertThat(resumed.next().text()).isEqualTo("{\"a\":2}");
        }
    }

    @Test
    void aLineLongerThanAnyRecordIsNotRead() throws IOException {
        Path file = directory.resolve("evaluations-x.jsonl");
        byte[] huge = new byte[EvaluationSpool.LineReader.MAX_LINE_BYTES + 10];
        java.util.Arrays.fill(huge, (byte) 'x');
        Files.write(file, huge);
        Files.write(file, "\n{\"a\":1}\n".getBytes(StandardCharsets.US_ASCII), java.nio.file.StandardOpenOption.APPEND);

        try (EvaluationSpool.LineReader reader = EvaluationSpool.read(file, 0)) {
            assertThat(reader.next().text()).isNull();
            assertThat(reader.next().text()).isEqualTo("{\"a\":1}");
            assertThat(reader.next()).isNull();
        }
    }
}
