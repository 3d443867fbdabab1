package io.jamesdmarc.model.unpack;

import static io.jamesdmarc.model.unpack.Packing.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import org.junit.jupiter.api.Test;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.Limit;
import io.jamesdmarc.model.LimitExceededException;
import io.jamesdmarc.model.ParseLimits;

class ZipMembersTest {

    @Test
    void listsEveryFileMemberInOrderSkippingDirectories() throws IOException {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("reports/", new byte[0]);
        members.put("reports/a.xml", utf8("<feedback>a</feedback>"));
        members.put("b.xml.gz", Packing.gzip(utf8("<feedback>b</feedback>")));
        try (ZipMembers zip = new ZipMembers(ByteSource.wrap(Packing.zip(members)), ParseLimits.DEFAULTS)) {
            ZipMembers.Member a = zip.next();
            assertThat(a.name()).isEqualTo("reports/a.xml");
            assertThat(a.index()).isEqualTo(1);
            assertThat(a.content().read()).isEqualTo(utf8("<feedback>a</feedback>"));
            assertThat(a.content().read()).as("opened again while current").isEqualTo(utf8("<feedback>a</feedback>"));
            ZipMembers.Member b = zip.next();
            assertThat(b.name()).isEqualTo("b.xml.gz");
            assertThat(a.content().read()).as("opened again after the pass moved on").isEqualTo(utf8("<feedback>a</feedback>"));
            assertThat(zip.next()).isNull();
        }
    }

    @Test
    void aMemberReadPastTheRewindLimitIsReadAgainFromTheArchive() throws IOException {
        byte[] big = new byte[600 * 1024];
        new Random(7).nextBytes(big);
        try (ZipMembers zip = new ZipMembers(ByteSource.wrap(Packing.zip("big.bin", big)), ParseLimits.DEFAULTS)) {
            ZipMembers.Member member = zip.next();
            assertThat(member.content().read()).isEqualTo(big);
            assertThat(member.content().read()).isEqualTo(big);
        }
    }

    @Test
    void tooManyEntriesBreachTheLimit() throws IOException {
        Map<String, byte[]> members = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            members.put("m" + i + ".xml", utf8("<feedback/>"));
        }
        ParseLimits limits = ParseLimits.DEFAULTS.with(Limit.ZIP_ENTRIES, 3);
        List<String> seen = new ArrayList<>();
        try (ZipMembers zip = new ZipMembers(ByteSource.wrap(Packing.zip(members)), limits)) {
            assertThatThrownBy(() -> {
                for (ZipMembers.Member m = zip.next(); m != null; m = zip.next()) {
                    seen.add(m.name());
                }
            }).isInstanceOfSatisfying(ContainerIOException.class,
                e -> assertThat(((LimitExceededException) e.problem()).limit()).isEqualTo(Limit.ZIP_ENTRIES));
        }
        assertThat(seen).containsExactly("m0.xml", "m1.xml", "m2.xml");
    }

    @Test
    void aMemberLyingAboutItsSizeIsCountedByItsRealBytes() throws IOException {
        byte[] real = new byte[3 * 1024 * 1024];
        new Random(42).nextBytes(real); // incompressible: only the byte limit can stop it
        byte[] archive = localHeaderOnlyZip("claims-100-bytes.xml", real, 100);
        ParseLimits limits = ParseLimits.DEFAULTS.with(Limit.DECOMPRESSED_BYTES, 1024 * 1024);
        try (ZipMembers zip = new ZipMembers(ByteSource.wrap(archive), limits)) {
            ZipMembers.Member member = zip.next();
            assertThatThrownBy(() -> member.content().read())
                .isInstanceOfSatisfying(ContainerIOException.class,
                    e -> assertThat(((LimitExceededException) e.problem()).limit()).isEqualTo(Limit.DECOMPRESSED_BYTES));
        }
    }

    @Test
    void aZipBombMemberIsRefusedWhenThePassSkipsIt() throws IOException {
        byte[] bomb = Packing.zipBomb("bomb.bin", "", 64L * 1024 * 1024, (byte) 0);
        try (ZipMembers zip = new ZipMembers(ByteSource.wrap(bomb), ParseLimits.DEFAULTS)) {
            assertThat(zip.next().name()).isEqualTo("bomb.bin"); // nobody reads it...
            assertThatThrownBy(zip::next) // ...but moving past it inflates it through the limits
                .isInstanceOfSatisfying(ContainerIOException.class,
                    e -> assertThat(((LimitExceededException) e.problem()).limit()).isEqualTo(Limit.COMPRESSION_RATIO));
        }
    }

    @Test
    void damagedDataIsACorruptZip() throws IOException {
        byte[] archive = Packing.zip("a.xml", utf8("<feedback>" + "x".repeat(5000) + "</feedback>"));
        byte[] truncated = java.util.Arrays.copyOf(archive, 60);
        try (ZipMembers zip = new ZipMembers(ByteSource.wrap(truncated), ParseLimits.DEFAULTS)) {
            ZipMembers.Member member = zip.next();
            assertThatThrownBy(() -> member.content().read())
                .isInstanceOfSatisfying(ContainerIOException.class,
                    e -> assertThat(e.problem().getMessage()).startsWith("corrupt zip: "));
        }
    }

    /** A zip of one deflated member whose local header states {@code claimedSize}, with no central directory. */
    private static byte[] localHeaderOnlyZip(String name, byte[] data, int claimedSize) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        while (!deflater.finished()) {
            compressed.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(data);
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(30 + nameBytes.length).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 8)
            .putShort((short) 0).putShort((short) 0).putInt((int) crc.getValue())
            .putInt(compressed.size()).putInt(claimedSize)
            .putShort((short) nameBytes.length).putShort((short) 0).put(nameBytes);
        return Packing.concat(header.array(), compressed.toByteArray());
    }
}
