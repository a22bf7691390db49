package dev.replicagroup.replica.storage;

import dev.replicagroup.replica.core.Entry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * The write-ahead log: entries in seq order across segment files {@code log-<first seq>.wal}. A segment starts
 * with a header (magic, version, first seq); each record is its payload's length, a CRC32C of length and payload,
 * and the payload (one entry). Only the last segment is written; it is rotated once it passes the segment size,
 * and the full one is fsynced first. Used by one thread at a time ({@link DiskStorage} serializes).
 *
 * <p>Over 300 lines because the record format is read, checked and repaired (a torn tail cut) in the same class
 * that writes it: kept together, one reading shows that what is written is what recovery accepts. The segment
 * files themselves are {@link Segment}, their names {@link SeqNamedFiles}.
 */
final class SegmentedLog implements AutoCloseable {
    static final int MAGIC = 0x5247574c; // "RGWL"
    static final int VERSION = 1;
    static final int HEADER_BYTES = 16;
    static final int RECORD_HEADER_BYTES = 8;
    private static final SeqNamedFiles SEGMENTS = new SeqNamedFiles("log-", ".wal");

    private final Path dir;
    private final long segmentBytes;
    private final FsyncPolicy fsync;
    private final List<Segment> segments;
    private FileChannel active;
    /** A write failed half-way: the last segment's file may end in part of a record, cut it first. */
    private boolean cutBeforeWrite;
    /** Forces of appended records (read by metrics on other threads; written by the one writing thread). */
    private final AtomicLong syncs = new AtomicLong();

    private SegmentedLog(Path dir, long segmentBytes, FsyncPolicy fsync, List<Segment> segments) throws IOException {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.fsync = fsync;
        this.segments = segments;
        openLast();
    }

    /** The log as recovered, and what recovery dropped (a torn tail), for the server to log. */
    record Opened(SegmentedLog log, List<Entry> entries, List<String> notes) {}

    /**
     * Reads every segment, checking each record; cuts a torn or corrupt tail of the last segment (it was never
     * fsynced, so never acknowledged) and says so; any other damage is a {@link CorruptStorageException}. An empty
     * directory gets a first segment starting at {@code firstSeq}.
     */
    static Opened open(Path dir, long segmentBytes, FsyncPolicy fsync, long firstSeq) throws IOException {
        List<Path> files = SEGMENTS.in(dir);
        List<Segment> segments = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            boolean last = i == files.size() - 1;
            Segment segment = read(files.get(i), last, entries, notes);
            if (segment == null) {
                continue;
            }
            if (!segments.isEmpty()) {
                Segment before = segments.get(segments.size() - 1);
                if (segment.firstSeq != before.lastSeq() + 1) {
                    throw new CorruptStorageException(
                            segment.path,
                            0,
                            "it starts at seq " + segment.firstSeq + " but " + before.path.getFileName() + " ends at"
                                    + " seq " + before.lastSeq() + " (a segment is missing)");
                }
            }
            segments.add(segment);
        }
        if (segments.isEmpty()) {
            segments.add(create(dir, firstSeq));
        }
        return new Opened(new SegmentedLog(dir, segmentBytes, fsync, segments), entries, notes);
    }

    /** One segment's records into {@code entries}; null for a last segment whose header itself was torn. */
    private static Segment read(Path file, boolean last, List<Entry> entries, List<String> notes) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (bytes.length < HEADER_BYTES || buffer.getInt(0) != MAGIC || buffer.getInt(4) != VERSION) {
            if (last && bytes.length <= HEADER_BYTES) {
                // Created, but its header never reached the disk: a crash right at rotation; it held no record.
                Files.delete(file);
                DurableFiles.syncDirectory(file.getParent());
                notes.add("removed " + file + ": a new segment whose header was torn by a crash (" + bytes.length
                        + " bytes, no record)");
                return null;
            }
            throw new CorruptStorageException(file, 0, "not a log segment of this version (bad header)");
        }
        long firstSeq = buffer.getLong(8);
        if (!file.getFileName().toString().equals(nameOf(firstSeq))) {
            throw new CorruptStorageException(file, 8, "its header says it starts at seq " + firstSeq);
        }
        Segment segment = new Segment(file, firstSeq, HEADER_BYTES);
        int at = HEADER_BYTES;
        while (at < bytes.length) {
            int length = recordAt(bytes, at);
            if (length < 0) {
                int next = nextRecordAfter(bytes, at);
                if (!last || next >= 0) {
                    throw new CorruptStorageException(
                            file,
                            at,
                            "record of seq " + (segment.lastSeq() + 1) + " fails its length or checksum"
                                    + (next >= 0
                                            ? " and a valid record follows at byte " + next + ", so this is no torn"
                                                    + " write at the end of the log"
                                            : " in a segment that is not the last"));
                }
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(at);
                    channel.force(true);
                }
                notes.add("cut the torn tail of " + file + ": " + (bytes.length - at) + " bytes from byte " + at
                        + " after seq " + segment.lastSeq() + " failed their length or checksum (written, never"
                        + " fsynced, so never acknowledged)");
                break;
            }
            Entry entry = decode(file, bytes, at, length);
            if (entry.seq() != segment.lastSeq() + 1) {
                throw new CorruptStorageException(
                        file, at, "holds seq " + entry.seq() + " where seq " + (segment.lastSeq() + 1) + " belongs");
            }
            entries.add(entry);
            int end = at + RECORD_HEADER_BYTES + length;
            segment.added(at, end);
            at = end;
        }
        return segment;
    }

    /** The payload length of a whole, intact record at {@code at}; -1 if there is none. */
    private static int recordAt(byte[] bytes, int at) {
        if (bytes.length - at < RECORD_HEADER_BYTES) {
            return -1;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int length = buffer.getInt(at);
        if (length <= 0 || length > Records.MAX_BYTES || length > bytes.length - at - RECORD_HEADER_BYTES) {
            return -1;
        }
        int crc = buffer.getInt(at + 4);
        return checksum(bytes, at, length) == crc ? length : -1;
    }

    /** The offset of an intact record after a damaged one, if any: then the damage is not a torn tail. */
    private static int nextRecordAfter(byte[] bytes, int damaged) {
        for (int at = damaged + 1; at + RECORD_HEADER_BYTES < bytes.length; at++) {
            if (recordAt(bytes, at) >= 0) {
                return at;
            }
        }
        return -1;
    }

    private static Entry decode(Path file, byte[] bytes, int at, int length) throws IOException {
        try {
            return Records.readEntry(
                    new DataInputStream(new ByteArrayInputStream(bytes, at + RECORD_HEADER_BYTES, length)));
        } catch (IOException e) {
            throw new CorruptStorageException(file, at, "its checksum holds but it is no entry: " + e.getMessage());
        }
    }

    /** CRC32C over the record's length field and payload. */
    private static int checksum(byte[] record, int at, int length) {
        CRC32C crc = new CRC32C();
        crc.update(record, at, 4);
        crc.update(record, at + RECORD_HEADER_BYTES, length);
        return (int) crc.getValue();
    }

    static String nameOf(long firstSeq) {
        return SEGMENTS.nameOf(firstSeq);
    }

    private static Segment create(Path dir, long firstSeq) throws IOException {
        Path path = dir.resolve(nameOf(firstSeq));
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES)
                .putInt(MAGIC)
                .putInt(VERSION)
                .putLong(firstSeq)
                .flip();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (header.hasRemaining()) {
                channel.write(header);
            }
            channel.force(true);
        }
        DurableFiles.syncDirectory(dir);
        return new Segment(path, firstSeq, HEADER_BYTES);
    }

    private void openLast() throws IOException {
        Segment last = last();
        active = FileChannel.open(last.path, StandardOpenOption.WRITE);
        active.position(last.size);
    }

    private Segment last() {
        return segments.get(segments.size() - 1);
    }

    Path firstSegmentPath() {
        return segments.get(0).path;
    }

    long lastSeq() {
        return last().lastSeq();
    }

    // ------------------------------------------------------------------ writing

    /** Appends entries that continue the log; with {@link FsyncPolicy#ALWAYS} each is fsynced before the next. */
    void append(List<Entry> entries) throws IOException {
        cutIfAWriteFailed();
        for (Entry entry : entries) {
            if (entry.seq() != lastSeq() + 1) {
                throw new IllegalArgumentException("entry " + entry.position() + " does not follow seq " + lastSeq());
            }
            if (last().size >= segmentBytes && !last().isEmpty()) {
                rotate(entry.seq());
            }
            ByteBuffer record = encode(entry);
            Segment last = last();
            long at = last.size;
            cutBeforeWrite = true;
            while (record.hasRemaining()) {
                active.write(record);
            }
            if (fsync == FsyncPolicy.ALWAYS) {
                active.force(false);
                syncs.incrementAndGet();
            }
            cutBeforeWrite = false;
            last.added(at, at + record.limit());
        }
    }

    /** Forces what was appended to disk (the group commit of {@link FsyncPolicy#BATCH}). */
    void sync() throws IOException {
        if (fsync == FsyncPolicy.BATCH) {
            active.force(false);
            syncs.incrementAndGet();
        }
    }

    /** How many times appended records were forced to disk. */
    long syncs() {
        return syncs.get();
    }

    private static ByteBuffer encode(Entry entry) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0);
        out.writeInt(0);
        Records.writeEntry(out, entry);
        byte[] record = bytes.toByteArray();
        int length = record.length - RECORD_HEADER_BYTES;
        ByteBuffer buffer = ByteBuffer.wrap(record);
        buffer.putInt(0, length);
        buffer.putInt(4, checksum(record, 0, length));
        return buffer;
    }

    private void cutIfAWriteFailed() throws IOException {
        if (cutBeforeWrite) {
            active.truncate(last().size);
            active.position(last().size);
            cutBeforeWrite = false;
        }
    }

    private void rotate(long nextSeq) throws IOException {
        active.force(false);
        active.close();
        segments.add(create(dir, nextSeq));
        openLast();
    }

    /**
     * Drops the entries from {@code seq} on (a helper's suffix that its new primary does not have), durably
     * before anything is written after them.
     */
    void truncateFrom(long seq) throws IOException {
        cutIfAWriteFailed();
        if (seq > lastSeq()) {
            return;
        }
        active.close();
        boolean deleted = false;
        while (segments.size() > 1 && last().firstSeq >= seq) {
            Files.delete(last().path);
            segments.remove(segments.size() - 1);
            deleted = true;
        }
        if (last().firstSeq >= seq) {
            Files.delete(last().path);
            segments.set(0, create(dir, seq));
        } else if (last().lastSeq() >= seq) {
            last().cutFrom(seq);
            try (FileChannel channel = FileChannel.open(last().path, StandardOpenOption.WRITE)) {
                channel.truncate(last().size);
                channel.force(true);
            }
        }
        if (deleted) {
            DurableFiles.syncDirectory(dir);
        }
        openLast();
    }

    /** Starts over after {@code seq} (a snapshot from the primary holds everything up to it). */
    void resetAfter(long seq) throws IOException {
        active.close();
        for (Segment segment : segments) {
            Files.delete(segment.path);
        }
        segments.clear();
        segments.add(create(dir, seq + 1));
        openLast();
    }

    /** Deletes the segments wholly at or below {@code seq} (a durable snapshot holds them); never the last one. */
    int compactTo(long seq) throws IOException {
        int deleted = 0;
        while (segments.size() > 1 && segments.get(0).lastSeq() <= seq) {
            Files.delete(segments.remove(0).path);
            deleted++;
        }
        if (deleted > 0) {
            DurableFiles.syncDirectory(dir);
        }
        return deleted;
    }

    int segmentCount() {
        return segments.size();
    }

    @Override
    public void close() throws IOException {
        active.close();
    }
}
