package io.jamesdmarc.model.unpack;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import com.google.common.io.ByteSource;
import com.google.common.io.ByteStreams;
import com.google.common.io.CountingInputStream;

import io.jamesdmarc.model.Limit;
import io.jamesdmarc.model.LimitExceededException;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.ReportParseException.Problem;

/**
 * The file members of a zip archive, in one streaming pass over its local headers (the central
 * directory would need random access, which a mail part does not give). Every member is inflated
 * through the limits, skipped ones included, so a member lying about its size, or a bomb among
 * harmless members, is caught by its real output.
 *
 * <p>The current member's {@link Member#content()} is served from the pass itself, so reading it
 * inflates it once; opened again after the pass has moved on, it re-reads the archive up to it.
 */
final class ZipMembers implements Closeable {

    /** One file in the archive; {@code index} counts every entry, directories included. */
    record Member(int index, String name, ByteSource content) {
    }

    /** What a sniffer may read from a member and still hand the same pass to the reader. */
    private static final int REWIND_LIMIT = 256 * 1024;

    private final ByteSource archive;
    private final ParseLimits limits;
    private final CountingInputStream counted;
    private final ZipInputStream zip;
    private int entries;
    private LiveMember current;

    ZipMembers(ByteSource archive, ParseLimits limits) throws IOException {
        this.archive = archive;
        this.limits = limits;
        this.counted = new CountingInputStream(archive.openStream());
        this.zip = new ZipInputStream(counted, StandardCharsets.UTF_8);
    }

    /** The next file member, or {@code null} after the last one. */
    Member next() throws IOException {
        if (current != null) {
            current.finish();
            current = null;
        }
        while (true) {
            ZipEntry entry = nextEntry(zip);
            if (entry == null) {
                return null;
            }
            int index = entries++;
            if (entries > limits.maxZipEntries()) {
                throw new ContainerIOException(new LimitExceededException(Limit.ZIP_ENTRIES, limits.maxZipEntries(), null));
            }
            if (entry.isDirectory()) {
                continue;
            }
            long start = counted.getCount();
            InputStream limited = new LimitedInputStream(new MemberData(zip), new StreamLimits(limits), () -> counted.getCount() - start);
            current = new LiveMember(index, limited);
            return new Member(index, entry.getName(), current);
        }
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    private static ZipEntry nextEntry(ZipInputStream zip) throws IOException {
        try {
            return zip.getNextEntry();
        } catch (IllegalArgumentException e) {
            // a member name that is not valid in its declared charset
            throw corrupt("unreadable member name: " + e.getMessage());
        } catch (ContainerIOException e) {
            throw e;
        } catch (IOException e) {
            throw corrupt(e.getMessage());
        }
    }

    static ContainerIOException corrupt(String why) {
        return new ContainerIOException(new ReportParseException(Problem.CORRUPT_CONTAINER, "corrupt zip: " + why));
    }

    /** Opens the archive again and returns member {@code index}, inflating (through the limits) those before it. */
    private InputStream reopen(int index) throws IOException {
        CountingInputStream recounted = new CountingInputStream(archive.openStream());
        ZipInputStream again = new ZipInputStream(recounted, StandardCharsets.UTF_8);
        try {
            for (int i = 0; ; i++) {
                ZipEntry entry = nextEntry(again);
                if (entry == null) {
                    throw corrupt("member " + index + " is gone on a second reading");
                }
                long start = recounted.getCount();
                InputStream limited = new LimitedInputStream(new MemberData(again), new StreamLimits(limits), () -> recounted.getCount() - start);
                if (i == index) {
                    return new FilterInputStream(limited) {
                        @Override
                        public void close() throws IOException {
                            again.close();
                        }
                    };
                }
                ByteStreams.exhaust(limited);
            }
        } catch (IOException | RuntimeException e) {
            Decoders.closeQuietly(again, e);
            throw e;
        }
    }

    /** A member's inflated data, its read errors said as what they are: a corrupt zip. */
    private static final class MemberData extends FilterInputStream {
        MemberData(ZipInputStream zip) {
            super(zip);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (ContainerIOException e) {
                throw e;
            } catch (IOException e) {
                throw corrupt(e.getMessage());
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (ContainerIOException e) {
                throw e;
            } catch (IOException e) {
                throw corrupt(e.getMessage());
            }
        }

        @Override
        public void close() {
            // the archive's pass closes the archive
        }
    }

    /** A member's bytes: from the pass while it is current and not read past the rewind limit, else read again. */
    private final class LiveMember extends ByteSource {
        private final int index;
        private final BufferedInputStream live;
        private boolean passMoved;
        private boolean viewOpen;

        LiveMember(int index, InputStream limited) {
            this.index = index;
            this.live = new BufferedInputStream(limited, 8192);
            this.live.mark(REWIND_LIMIT);
        }

        @Override
        public InputStream openStream() throws IOException {
            if (!passMoved && !viewOpen) {
                try {
                    live.reset();
                    viewOpen = true;
                    return new FilterInputStream(live) {
                        @Override
                        public void close() {
                            viewOpen = false; // the pass stays open: the archive's next member follows
                        }

                        @Override
                        public boolean markSupported() {
                            return false; // the mark is ours: it is how the next opening rewinds
                        }

                        @Override
                        public void mark(int readlimit) {
                            // see markSupported
                        }

                        @Override
                        public void reset() throws IOException {
                            throw new IOException("mark/reset not supported");
                        }
                    };
                } catch (IOException readPastRewindLimit) {
                    // fall through: read the archive again
                }
            }
            return reopen(index);
        }

        /** Inflates what is left of the member, so the pass can move on, through the limits. */
        void finish() throws IOException {
            passMoved = true;
            ByteStreams.exhaust(live);
        }
    }
}
