package io.jamesdmarc.storage.evaluation;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The durable local spool that keeps evaluations while the database cannot take them: append-only
 * files of {@link io.jamesdmarc.model.evaluation.record.EvaluationRecordCodec} lines in one directory.
 *
 * <p>{@link #append} returns once the lines are on disk ({@code fsync}); appends that arrive while
 * another thread syncs share the next sync (group commit), so many threads spilling at once cost
 * few syncs. The file being written is sealed (closed) when it reaches its size limit, or when the
 * replayer asks for it; sealed files are replayed, then deleted. Files found at start-up were left
 * by an earlier process: they are sealed, and replayed like the others. Nothing is ever appended
 * to a file after it was sealed, so a line cut short by a crash stays the last of its file.
 *
 * <p>What cannot be replayed is kept aside, never deleted: in {@value #KEPT_ASIDE}/, a spool file
 * holding unreadable lines (moved there whole once its readable lines are stored, with a
 * {@code .reasons.txt} naming each bad line), and the records the database refused as data.
 *
 * <p>One process at a time: the directory's {@value #LOCK_FILE} is locked while the spool is open.
 */
final class EvaluationSpool implements AutoCloseable {

    static final String PREFIX = "evaluations-";
    static final String SUFFIX = ".jsonl";
    static final String KEPT_ASIDE = "kept-aside";
    static final String LOCK_FILE = ".lock";
    static final String REASONS_SUFFIX = ".reasons.txt";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'", Locale.ROOT)
        .withZone(ZoneOffset.UTC);

    private final Path directory;
    private final long maxFileBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private final Object writeLock = new Object();
    private final Object syncLock = new Object();
    /** Appends written so far, and those known to be on disk: a sync covers every append before it. */
    private long written;
    private final AtomicLong synced = new AtomicLong();
    private FileChannel active;
    private Path activePath;
    private long activeBytes;
    private int sequence;
    private boolean closed;

    private EvaluationSpool(Path directory, long maxFileBytes, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.maxFileBytes = maxFileBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens the spool in {@code directory}, creating it when missing.
     *
     * @throws IOException the directory cannot be created or written, or another recorder (in this
     *     process or another) holds it
     */
    static EvaluationSpool open(Path directory, long maxFileBytes) throws IOException {
        Path dir = directory.toAbsolutePath().normalize();
        Files.createDirectories(dir.resolve(KEPT_ASIDE));
        FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("the evaluation spool directory " + dir + " is in use by another recorder (its " + LOCK_FILE
                + " is locked): give each James server a directory of its own");
        }
        return new EvaluationSpool(dir, maxFileBytes, channel, lock);
    }

    Path directory() {
        return directory;
    }

    /**
     * Appends one record line per element (ASCII, no line end: the spool adds it) and returns once
     * they are on disk.
     */
    void append(List<String> lines) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        int size = 0;
        for (String line : lines) {
            size += line.length() + 1;
        }
        ByteBuffer bytes = ByteBuffer.allocate(size);
        for (String line : lines) {
            bytes.put(line.getBytes(StandardCharsets.US_ASCII)).put((byte) '\n');
        }
        bytes.flip();
        long mine;
        synchronized (writeLock) {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (active == null) {
                startFile();
            }
            while (bytes.hasRemaining()) {
                active.write(bytes);
            }
            activeBytes += size;
            mine = ++written;
            if (activeBytes >= maxFileBytes) {
                seal();
            }
        }
        sync(mine);
    }

    /** Group commit: the first waiting thread syncs for every append written so far; the others find theirs done. */
    private void sync(long append) throws IOException {
        synchronized (syncLock) {
            if (synced.get() >= append) {
                return;
            }
            FileChannel channel;
            long upTo;
            synchronized (writeLock) {
                channel = active;
                upTo = written;
            }
            if (channel != null) {
                try {
                    channel.force(false);
                } catch (ClosedChannelException sealedMeanwhile) {
                    // sealing synced the file, up to at least this append
                }
            }
            synced.accumulateAndGet(upTo, Math::max);
        }
    }

    private void startFile() throws IOException {
        while (true) {
            Path file = directory.resolve(PREFIX + STAMP.format(Instant.now()) + "-" + String.format(Locale.ROOT, "%06d", ++sequence)
                + SUFFIX);
            try {
                active = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                activePath = file;
                activeBytes = 0;
                syncDirectory();
                return;
            } catch (FileAlreadyExistsException taken) {
                // a name an earlier process used in the same millisecond: take the next number
            }
        }
    }

    /** Syncs and closes the file being written; the next append starts another. Called holding writeLock. */
    private void seal() throws IOException {
        try {
            active.force(false);
            synced.accumulateAndGet(written, Math::max);
        } finally {
            active.close();
            active = null;
            activePath = null;
        }
    }

    /** Seals the file being written, if any, so that the replayer can take it. */
    void rotate() throws IOException {
        synchronized (writeLock) {
            if (active != null && !closed) {
                seal();
            }
        }
    }

    /** Whether anything waits to be replayed: a sealed file, or lines in the file being written. */
    boolean hasPending() throws IOException {
        synchronized (writeLock) {
            if (active != null && activeBytes > 0) {
                return true;
            }
        }
        return !sealedFiles().isEmpty();
    }

    /** The files ready to replay, oldest first: every spool file but the one being written. */
    List<Path> sealedFiles() throws IOException {
        Path writing;
        synchronized (writeLock) {
            writing = activePath;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
            for (Path entry : entries) {
                if (!entry.equals(writing) && Files.isRegularFile(entry)) {
                    files.add(entry);
                }
            }
        }
        files.sort(null);
        return files;
    }

    /** Deletes a replayed file: its records are in the database. */
    void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
        syncDirectory();
    }

    /**
     * Moves a spool file holding unreadable lines to {@value #KEPT_ASIDE}/, with {@code reasons}
     * (one per bad line) beside it.
     *
     * @return where it went
     */
    Path keepAsideFile(Path file, List<String> reasons) throws IOException {
        Path target = directory.resolve(KEPT_ASIDE).resolve(file.getFileName());
        writeReasons(target, reasons);
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory();
        return target;
    }

    /**
     * Writes records the database refused as data to a new file in {@value #KEPT_ASIDE}/, one line
     * each, with the reasons beside it.
     *
     * @return the file
     */
    Path keepAsideRecords(List<String> lines, List<String> reasons) throws IOException {
        Path target;
        FileChannel channel;
        synchronized (writeLock) {
            while (true) {
                target = directory.resolve(KEPT_ASIDE).resolve("unstorable-" + STAMP.format(Instant.now()) + "-"
                    + String.format(Locale.ROOT, "%06d", ++sequence) + SUFFIX);
                try {
                    channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    break;
                } catch (FileAlreadyExistsException taken) {
                    // the next number
                }
            }
        }
        try (FileChannel out = channel) {
            StringBuilder text = new StringBuilder();
            for (String line : lines) {
                text.append(line).append('\n');
            }
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(false);
        }
        writeReasons(target, reasons);
        syncDirectory();
        return target;
    }

    private static void writeReasons(Path target, List<String> reasons) throws IOException {
        Path file = target.resolveSibling(target.getFileName() + REASONS_SUFFIX);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap((String.join("\n", reasons) + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(false);
        }
    }

    /** A new or deleted file's directory entry is durable only once the directory itself is synced. */
    private void syncDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory: the files themselves are synced
        }
    }

    /** Reads a spool file's lines from a byte offset, for the replayer. */
    static LineReader read(Path file, long offset) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            in.skipNBytes(offset);
        } catch (IOException e) {
            in.close();
            throw e;
        }
        return new LineReader(new BufferedInputStream(in, 64 * 1024), offset);
    }

    /** One line of a spool file: its text (null when longer than {@link LineReader#MAX_LINE_BYTES}), where it ends. */
    record Line(String text, boolean ascii, boolean terminated, long end) {
    }

    /** Lines as bytes: a line that is not ASCII, or too long, is no line the recorder wrote. */
    static final class LineReader implements AutoCloseable {
        /** Far above the longest record (64K characters of headers, escaped): a longer line is not one. */
        static final int MAX_LINE_BYTES = 8 * 1024 * 1024;

        private final InputStream in;
        private long position;

        private LineReader(InputStream in, long position) {
            this.in = in;
            this.position = position;
        }

        /** The next line, or null at the end of the file. */
        Line next() throws IOException {
            StringBuilder text = new StringBuilder(1024);
            boolean ascii = true;
            boolean tooLong = false;
            int length = 0;
            int b;
            while ((b = in.read()) != -1) {
                position++;
                if (b == '\n') {
                    return new Line(tooLong ? null : text.toString(), ascii, true, position);
                }
                if (++length > MAX_LINE_BYTES) {
                    tooLong = true;
                    text.setLength(0);
                } else if (!tooLong) {
                    text.append((char) b);
                }
                if (b >= 0x80) {
                    ascii = false;
                }
            }
            if (length == 0) {
                return null;
            }
            return new Line(tooLong ? null : text.toString(), ascii, false, position);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Seals the file being written and lets another process take the directory. */
    @Override
    public void close() throws IOException {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            try {
                if (active != null) {
                    seal();
                }
            } finally {
                closed = true;
                try {
                    lock.release();
                } finally {
                    lockChannel.close();
                }
            }
        }
    }
}
