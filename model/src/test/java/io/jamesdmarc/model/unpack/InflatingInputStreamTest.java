package io.jamesdmarc.model.unpack;

import static io.jamesdmarc.model.unpack.Packing.concat;
import static io.jamesdmarc.model.unpack.Packing.gzip;
import static io.jamesdmarc.model.unpack.Packing.utf8;
import static io.jamesdmarc.model.unpack.Packing.zlib;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.Limit;
import io.jamesdmarc.model.LimitExceededException;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.ReportParseException.Problem;

class InflatingInputStreamTest {

    private static final byte[] REPORT = utf8("<feedback><report_metadata/></feedback>\n".repeat(50));

    @Test
    void inflatesGzip() throws IOException {
        assertThat(gunzip(gzip(REPORT), ParseLimits.DEFAULTS)).isEqualTo(REPORT);
    }

    @Test
    void readsEveryMemberOfAConcatenatedGzip() throws IOException {
        byte[] first = utf8("<feedback>");
        byte[] second = utf8("</feedback>");
        assertThat(gunzip(concat(gzip(first), gzip(second)), ParseLimits.DEFAULTS)).isEqualTo(concat(first, second));
    }

    @Test
    void ignoresBytesAfterTheLastVerifiedMember() throws IOException {
        // Mimecast appends CRLF to its gzip attachments; strict gunzip refuses them
        assertThat(gunzip(concat(gzip(REPORT), utf8("\r\n")), ParseLimits.DEFAULTS)).isEqualTo(REPORT);
        assertThat(gunzip(concat(gzip(REPORT), new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), ParseLimits.DEFAULTS)).isEqualTo(REPORT);
    }

    @Test
    void aTruncatedGzipIsCorrupt() {
        byte[] whole = gzip(REPORT);
        assertCorrupt(() -> gunzip(Arrays.copyOf(whole, whole.length / 2), ParseLimits.DEFAULTS), "truncated");
        assertCorrupt(() -> gunzip(Arrays.copyOf(whole, whole.length - 3), ParseLimits.DEFAULTS), "truncated");
    }

    @Test
    void damagedDataFailsItsChecksum() {
        byte[] damaged = gzip(REPORT);
        damaged[damaged.length - 6] ^= 0x55; // in the CRC-32
        assertCorrupt(() -> gunzip(damaged, ParseLimits.DEFAULTS), "CRC mismatch");
    }

    @Test
    void inflatesRawZlib() throws IOException {
        ByteSource inflated = Decoders.inflateZlib(ByteSource.wrap(zlib(REPORT)), ParseLimits.DEFAULTS, note -> { });
        assertThat(inflated.read()).isEqualTo(REPORT);
    }

    @Test
    void aBombIsRefusedByItsRatioAfterTheFloor() {
        byte[] bomb = Packing.gzipBomb("<feedback>", 50L * 1024 * 1024, (byte) ' ');
        CountingRead read = new CountingRead();
        assertThatThrownBy(() -> read.all(Decoders.gunzip(ByteSource.wrap(bomb), ParseLimits.DEFAULTS, note -> { })))
            .isInstanceOfSatisfying(ContainerIOException.class, e -> {
                assertThat(e.problem()).isInstanceOf(LimitExceededException.class);
                assertThat(((LimitExceededException) e.problem()).limit()).isEqualTo(Limit.COMPRESSION_RATIO);
            });
        assertThat(read.bytes).as("refused soon after the floor, not at the end").isLessThan(2 * StreamLimits.RATIO_FLOOR);
    }

    @Test
    void decompressedBytesAreCappedExactly() {
        ParseLimits small = ParseLimits.DEFAULTS.with(Limit.DECOMPRESSED_BYTES, 1000);
        byte[] data = new byte[1001];
        assertThatThrownBy(() -> gunzip(gzip(data), small))
            .isInstanceOfSatisfying(ContainerIOException.class,
                e -> assertThat(((LimitExceededException) e.problem()).limit()).isEqualTo(Limit.DECOMPRESSED_BYTES))
            .hasMessageContaining("maxDecompressedBytes=1000");
        assertThat(uncheckedGunzip(gzip(new byte[1000]), small)).hasSize(1000);
    }

    @Test
    void smallFilesMayCompressFarBeyondTheRatio() throws IOException {
        byte[] zeros = new byte[512 * 1024]; // compresses about 1000:1, but stays under the floor
        assertThat(gunzip(gzip(zeros), ParseLimits.DEFAULTS)).hasSize(zeros.length);
    }

    private static byte[] gunzip(byte[] data, ParseLimits limits) throws IOException {
        return Decoders.gunzip(ByteSource.wrap(data), limits, note -> { }).read();
    }

    private static byte[] uncheckedGunzip(byte[] data, ParseLimits limits) {
        try {
            return gunzip(data, limits);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertCorrupt(org.assertj.core.api.ThrowableAssert.ThrowingCallable read, String why) {
        assertThatThrownBy(read)
            .isInstanceOfSatisfying(ContainerIOException.class, e -> {
                ReportParseException problem = e.problem();
                assertThat(problem.problem()).isEqualTo(Problem.CORRUPT_CONTAINER);
                assertThat(problem.getMessage()).startsWith("corrupt gzip: ").contains(why);
            });
    }

    private static final class CountingRead {
        long bytes;

        void all(ByteSource source) throws IOException {
            byte[] buffer = new byte[8192];
            try (InputStream in = source.openStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    bytes += n;
                }
            }
        }
    }
}
