package io.jamesdmarc.model.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.google.common.io.ByteSource;
import com.google.common.io.Resources;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.testing.Corpus;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Whatever bytes come in, the reader either reads a report or throws a {@link ReportParseException}:
 * never another exception, never a hang. Inputs are the real reports of the corpus (where it is
 * present) and our fixtures, truncated anywhere or with bytes replaced, inserted or deleted.
 */
class AggregateReaderRobustnessTest {

    private static final List<Sample> SAMPLES = samples();
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final AggregateReportReader reader = AggregateReportReader.withDefaultLimits();

    record Sample(String name, byte[] bytes) {
        @Override
        public String toString() {
            return name + " (" + bytes.length + " bytes)";
        }
    }

    @Property(tries = 400)
    void truncatedReportsReadOrFailCleanly(@ForAll("truncated") Tuple2<Sample, Integer> input) {
        byte[] bytes = input.get1().bytes();
        readsOrFailsCleanly(java.util.Arrays.copyOf(bytes, Math.min(input.get2(), bytes.length)));
    }

    @Property(tries = 600)
    void mutatedReportsReadOrFailCleanly(@ForAll("mutated") byte[] bytes) {
        readsOrFailsCleanly(bytes);
    }

    private void readsOrFailsCleanly(byte[] bytes) {
        assertTimeoutPreemptively(PATIENCE, () -> {
            List<ReportRecord> handed = new ArrayList<>();
            List<AggregateReport> headers = new ArrayList<>();
            try {
                AggregateReadSummary summary = reader.read(ByteSource.wrap(bytes), new AggregateReportHandler<RuntimeException>() {
                    @Override
                    public void header(AggregateReport report) {
                        assertThat(handed).as("records before the header").isEmpty();
                        headers.add(report);
                    }

                    @Override
                    public void record(ReportRecord record) {
                        handed.add(record);
                    }
                });
                assertThat(headers).hasSize(1);
                assertThat(summary.records()).isEqualTo(handed.size());
                assertThat(summary.countSum()).isEqualTo(handed.stream().mapToLong(ReportRecord::count).sum());
            } catch (ReportParseException expected) {
                assertThat(expected.getMessage()).isNotBlank();
                assertThat(headers).hasSizeLessThanOrEqualTo(1);
            }
        });
    }

    @Provide
    Arbitrary<Tuple2<Sample, Integer>> truncated() {
        return Arbitraries.of(SAMPLES).flatMap(sample ->
            Arbitraries.integers().between(0, sample.bytes().length).map(length -> Tuple.of(sample, length)));
    }

    @Provide
    Arbitrary<byte[]> mutated() {
        return Arbitraries.of(SAMPLES).flatMap(sample -> {
            int length = sample.bytes().length;
            Arbitrary<Integer> position = Arbitraries.integers().between(0, Math.max(0, length - 1));
            Arbitrary<byte[]> junk = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8),
                Arbitraries.of("<", ">", "&", "</", "<record>", "</record>", "<![CDATA[", "]]>", "<!--", "\"", "=",
                    "\u0000", "\u0007", "\uFFFF", "<?xml version=\"1.0\"?>", "&#7;", "&lt;", "<a:b>", "xmlns:a=\"\"")
                    .map(text -> text.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Arbitraries.of(new byte[] {(byte) 0xC3}, new byte[] {(byte) 0x92}, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                    new byte[] {(byte) 0xF0, (byte) 0x9F}, new byte[] {(byte) 0xFE, (byte) 0xFF}));
            Arbitrary<Mutation> mutation = Combinators.combine(
                Arbitraries.of(MutationKind.values()), position, position, junk).as(Mutation::new);
            return mutation.list().ofMinSize(1).ofMaxSize(6).map(mutations -> apply(sample.bytes(), mutations));
        });
    }

    enum MutationKind { REPLACE, INSERT, DELETE, DUPLICATE }

    record Mutation(MutationKind kind, int from, int to, byte[] junk) {
    }

    private static byte[] apply(byte[] original, List<Mutation> mutations) {
        byte[] bytes = original;
        for (Mutation mutation : mutations) {
            int from = Math.min(mutation.from(), bytes.length);
            int to = Math.min(Math.max(mutation.to(), from), bytes.length);
            to = Math.min(to, from + 4096);
            bytes = switch (mutation.kind()) {
                case REPLACE -> splice(bytes, from, Math.min(bytes.length, from + mutation.junk().length), mutation.junk());
                case INSERT -> splice(bytes, from, from, mutation.junk());
                case DELETE -> splice(bytes, from, to, new byte[0]);
                case DUPLICATE -> splice(bytes, to, to, java.util.Arrays.copyOfRange(bytes, from, to));
            };
        }
        return bytes;
    }

    private static byte[] splice(byte[] bytes, int from, int to, byte[] insert) {
        byte[] result = new byte[bytes.length - (to - from) + insert.length];
        System.arraycopy(bytes, 0, result, 0, from);
        System.arraycopy(insert, 0, result, from, insert.length);
        System.arraycopy(bytes, to, result, from + insert.length, bytes.length - to);
        return result;
    }

    private static List<Sample> samples() {
        List<Sample> samples = new ArrayList<>();
        try {
            Path fixtures = Paths.get(Resources.getResource("fixtures/aggregate").toURI());
            try (Stream<Path> files = Files.list(fixtures)) {
                files.sorted().forEach(file -> samples.add(sample("fixture " + file.getFileName(), file)));
            }
            Corpus.find().ifPresent(corpus -> {
                try (Stream<Path> files = Files.walk(corpus.root().resolve("aggregate"))) {
                    files.filter(file -> file.toString().endsWith(".xml") || file.toString().endsWith(".xml.sample"))
                        .sorted()
                        .forEach(file -> samples.add(sample("corpus " + corpus.root().relativize(file), file)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return List.copyOf(samples);
    }

    private static Sample sample(String name, Path file) {
        try {
            return new Sample(name, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
