package io.jamesdmarc.model.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * The shared real-world corpus ({@code ../shared/corpus} next to the project root) and its ground
 * truth, {@code EXPECTED.tsv}. Tests that need it call {@link #require()}: where the corpus is
 * absent they are skipped, saying so. The corpus is never copied into the project.
 */
public final class Corpus {

    /** One row of EXPECTED.tsv; empty cells are empty strings. */
    public record Expected(String path, String kind, String status, Map<String, String> fields) {
        public boolean ok() {
            return status.equals("OK");
        }

        public boolean aggregate() {
            return kind.equals("aggregate");
        }

        public String field(String name) {
            return fields.getOrDefault(name, "");
        }
    }

    private final Path root;

    private Corpus(Path root) {
        this.root = root;
    }

    /** The project root: the {@code jamesdmarc.root} property Maven sets, else the nearest folder up with a .ci/run. */
    public static Path projectRoot() {
        String property = System.getProperty("jamesdmarc.root");
        if (property != null && !property.isBlank()) {
            return Paths.get(property).toAbsolutePath().normalize();
        }
        Path dir = Paths.get("").toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve(".ci/run"))) {
                return candidate;
            }
        }
        return dir;
    }

    /**
     * The corpus, if it is where the project expects it: {@code ../shared/corpus} next to the project
     * root, or {@code shared/corpus} next to a folder further up (a git worktree of the project lives
     * one level deeper than its clone).
     */
    public static Optional<Corpus> find() {
        for (Path dir = projectRoot().getParent(); dir != null; dir = dir.getParent()) {
            Path corpus = dir.resolve("shared/corpus");
            if (Files.isRegularFile(corpus.resolve("EXPECTED.tsv"))) {
                return Optional.of(new Corpus(corpus));
            }
        }
        return Optional.empty();
    }

    /** The corpus, or a skipped test that says why. */
    public static Corpus require() {
        Optional<Corpus> corpus = find();
        Assumptions.assumeTrue(corpus.isPresent(),
            "skipped: the shared corpus is not at " + projectRoot().resolve("../shared/corpus").normalize());
        return corpus.get();
    }

    public Path root() {
        return root;
    }

    public Path file(String relativePath) {
        return root.resolve(relativePath);
    }

    public Path schema(String name) {
        return root.resolve("schema").resolve(name);
    }

    /** Every row of EXPECTED.tsv, in file order. */
    public List<Expected> expected() {
        try {
            List<String> lines = Files.readAllLines(root.resolve("EXPECTED.tsv"), StandardCharsets.UTF_8);
            String[] header = lines.get(0).split("\t", -1);
            List<Expected> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split("\t", -1);
                Map<String, String> fields = new HashMap<>();
                for (int i = 0; i < header.length; i++) {
                    fields.put(header[i], i < cells.length ? cells[i] : "");
                }
                rows.add(new Expected(fields.get("path"), fields.get("kind"), fields.get("status"), Map.copyOf(fields)));
            }
            return List.copyOf(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
