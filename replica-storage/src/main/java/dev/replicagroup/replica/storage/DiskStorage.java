package dev.replicagroup.replica.storage;

import dev.replicagroup.replica.core.DurableChanges;
import dev.replicagroup.replica.core.Entry;
import dev.replicagroup.replica.core.HardState;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.RecoveredState;
import dev.replicagroup.replica.core.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A replica's state in a data directory: {@code hardstate}, {@code snapshot-<seq>.snap} and the segments of the
 * log ({@link SegmentedLog}). Persisting writes, in this order, the hard state (a term is durable before any entry
 * of it), an installed snapshot (the log then restarts after it), and the log changes, then fsyncs the log once
 * ({@link FsyncPolicy#BATCH}) or has fsynced each record ({@link FsyncPolicy#ALWAYS}).
 */
public final class DiskStorage implements ReplicaStorage {
    /** Segments roll over past this size: small enough that compaction frees space soon after a snapshot. */
    public static final long SEGMENT_BYTES = 64L << 20;

    private final Path dir;
    private final SegmentedLog log;
    private long snapshotSeq;
    /** Read by metrics on other threads. */
    private final AtomicLong entriesWritten = new AtomicLong();

    private DiskStorage(Path dir, SegmentedLog log, long snapshotSeq) {
        this.dir = dir;
        this.log = log;
        this.snapshotSeq = snapshotSeq;
    }

    public static Recovery open(Path dir, FsyncPolicy fsync) throws IOException {
        return open(dir, fsync, SEGMENT_BYTES);
    }

    /**
     * Opens (creating it if needed) the data directory and recovers what it holds: the hard state, the newest
     * snapshot and the log after it. A torn tail is cut and reported in the notes; a corrupt snapshot, hard state or
     * a corrupt record before the tail fails with a {@link CorruptStorageException} naming the file and offset.
     */
    public static Recovery open(Path dir, FsyncPolicy fsync, long segmentBytes) throws IOException {
        prepare(dir);
        List<String> notes = new ArrayList<>();
        removeTemporaryFiles(dir, notes);
        HardState hard = HardStateFile.read(dir);
        Optional<Snapshot> snapshot = SnapshotFile.readNewest(dir);
        LogPosition base = snapshot.map(Snapshot::lastIncluded).orElse(LogPosition.ZERO);
        SegmentedLog.Opened opened = SegmentedLog.open(dir, segmentBytes, fsync, base.seq() + 1);
        notes.addAll(opened.notes());
        SegmentedLog log = opened.log();
        List<Entry> entries = afterSnapshot(opened.entries(), base, log, notes);
        if (hard.term() == 0 && (snapshot.isPresent() || !entries.isEmpty())) {
            log.close();
            throw new CorruptStorageException(
                    dir.resolve(HardStateFile.NAME), 0, "it is missing, yet the directory holds a log or snapshot");
        }
        DiskStorage storage = new DiskStorage(dir, log, base.seq());
        return new Recovery(storage, new RecoveredState(hard, snapshot.orElse(null), entries), notes);
    }

    private static void prepare(Path dir) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("--data-dir " + dir + " cannot be created: " + e, e);
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IOException("--data-dir " + dir + " is not a writable directory; give one this user may write");
        }
    }

    /** A crash while writing a snapshot or hard state leaves its temporary file; the old file is intact. */
    private static void removeTemporaryFiles(Path dir, List<String> notes) throws IOException {
        List<Path> temps;
        try (Stream<Path> files = Files.list(dir)) {
            temps = files.filter(p -> p.getFileName().toString().endsWith(".tmp"))
                    .toList();
        }
        for (Path temp : temps) {
            Files.delete(temp);
            notes.add("removed " + temp + ": a snapshot or hard state a crash interrupted (the previous one holds)");
        }
    }

    /**
     * The log entries after the snapshot. The log continues the snapshot if it holds the snapshot's position or
     * starts right after it; if it holds that seq in another term, its entries after it belong to a history the
     * snapshot (installed from a primary) replaced, and were never committed: they are dropped, and said so.
     */
    private static List<Entry> afterSnapshot(List<Entry> all, LogPosition base, SegmentedLog log, List<String> notes)
            throws IOException {
        if (all.isEmpty()) {
            if (log.lastSeq() != base.seq()) {
                log.resetAfter(base.seq());
            }
            return List.of();
        }
        long first = all.get(0).seq();
        long last = all.get(all.size() - 1).seq();
        if (first > base.seq() + 1) {
            throw new CorruptStorageException(
                    log.firstSegmentPath(),
                    0,
                    "the log starts at seq " + first + " but the snapshot ends at seq " + base.seq() + " (segments"
                            + " are missing)");
        }
        if (last <= base.seq()) {
            log.resetAfter(base.seq());
            return List.of();
        }
        if (first <= base.seq()) {
            Entry atBase = all.get((int) (base.seq() - first));
            if (atBase.term() != base.term()) {
                notes.add("dropped entries " + (base.seq() + 1) + ".." + last + ": they follow " + atBase.position()
                        + ", not the snapshot's " + base + " (a history the snapshot installed from the primary"
                        + " replaced; never committed)");
                log.resetAfter(base.seq());
                return List.of();
            }
        }
        return List.copyOf(all.subList((int) Math.max(0, base.seq() + 1 - first), all.size()));
    }

    @Override
    public synchronized void persist(DurableChanges changes) throws IOException {
        if (changes.isEmpty()) {
            return;
        }
        if (changes.hardState() != null) {
            HardStateFile.write(dir, changes.hardState());
        }
        if (changes.snapshot() != null) {
            SnapshotFile.write(dir, changes.snapshot());
            long seq = changes.snapshot().lastIncluded().seq();
            log.resetAfter(seq);
            snapshotSeq = seq;
            deleteSnapshotsBelow(seq);
        }
        if (changes.fromSeq() > 0) {
            log.truncateFrom(changes.fromSeq());
            log.append(changes.entries());
            log.sync();
            entriesWritten.addAndGet(changes.entries().size());
        }
    }

    @Override
    public void compact(Snapshot snapshot) throws IOException {
        long seq = snapshot.lastIncluded().seq();
        synchronized (this) {
            if (seq <= snapshotSeq) {
                return;
            }
        }
        // Written outside the lock: the engine goes on persisting while a large store is written.
        SnapshotFile.write(dir, snapshot);
        synchronized (this) {
            if (seq > snapshotSeq) {
                snapshotSeq = seq;
                log.compactTo(seq);
            }
            deleteSnapshotsBelow(snapshotSeq);
        }
    }

    private void deleteSnapshotsBelow(long seq) throws IOException {
        for (Path file : SnapshotFile.all(dir)) {
            if (!file.equals(SnapshotFile.pathOf(dir, seq))) {
                Files.delete(file);
            }
        }
    }

    @Override
    public long logSyncs() {
        return log.syncs();
    }

    @Override
    public long entriesWritten() {
        return entriesWritten.get();
    }

    /** How many log segment files there are now (tests, and the operator's curiosity). */
    public synchronized int segmentCount() {
        return log.segmentCount();
    }

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public String location() {
        return dir.toString();
    }

    @Override
    public synchronized void close() throws IOException {
        log.close();
    }
}
