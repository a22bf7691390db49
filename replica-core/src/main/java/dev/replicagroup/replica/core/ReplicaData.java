package dev.replicagroup.replica.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One replica's data, whatever its role: the log, the key-value state applied from its committed prefix, the commit
 * point between them, and how much of the log the driver made durable. {@link ReplicaState} decides when entries
 * are appended, truncated or committed; this class does it and keeps the three consistent (applying what commits,
 * compacting what was applied, never truncating a committed entry).
 */
final class ReplicaData {
    /** The number of entries kept in memory behind the applied state before the log is compacted. */
    static final int COMPACT_ABOVE = 16_384;

    static final int KEEP_AFTER_COMPACT = 4_096;

    private final ReplicatedLog log = new ReplicatedLog();
    private final KeyValueStore store = new KeyValueStore();
    private long commitSeq;
    private final List<Applied> applied = new ArrayList<>();
    /**
     * This replica's log is durable up to this seq (the driver said so: {@link #markDurable}). A primary sends its
     * entries to its helpers while it writes them to its own disk, and counts itself towards a commit only up to
     * here: an entry is acknowledged once it is durable on the primary and on {@code syncAcks} helpers.
     */
    private long durableSeq;
    /** A snapshot installed from the primary and not yet made durable. */
    private Snapshot installed;

    private long snapshotsInstalled;

    /** Takes what the storage held: its snapshot, then the entries after it; all of it is durable. */
    void restore(RecoveredState recovered) {
        Snapshot snapshot = recovered.snapshot();
        if (snapshot != null) {
            store.replaceWith(snapshot);
            log.resetTo(snapshot.lastIncluded());
            commitSeq = snapshot.lastIncluded().seq();
        }
        for (Entry entry : recovered.entries()) {
            if (entry.seq() > log.lastSeq()) {
                log.append(entry);
            }
        }
        log.markClean();
        durableSeq = log.lastSeq();
    }

    // ------------------------------------------------------------------ the log

    /** A new entry of this replica's own (a primary's write or its term's no-op), at the end of the log. */
    void append(Entry entry) {
        log.append(entry);
    }

    /** An entry from the primary: one already held is kept, a conflicting uncommitted suffix is dropped first. */
    void appendFromPrimary(Entry entry) {
        if (entry.seq() <= log.lastSeq()) {
            OptionalLong have = log.termAt(entry.seq());
            if (have.isEmpty() || have.getAsLong() == entry.term()) {
                return;
            }
            if (entry.seq() <= commitSeq) {
                throw new IllegalStateException("the primary's entry " + entry.position()
                        + " conflicts with committed entry (" + have.getAsLong() + ", " + entry.seq() + ")");
            }
            log.truncateFrom(entry.seq());
            durableSeq = Math.min(durableSeq, entry.seq() - 1);
        }
        log.append(entry);
    }

    /** The primary's snapshot replaces the applied state and the log before it. */
    void installSnapshot(Snapshot snapshot) {
        store.replaceWith(snapshot);
        log.resetTo(snapshot.lastIncluded());
        commitSeq = snapshot.lastIncluded().seq();
        durableSeq = Math.min(durableSeq, commitSeq);
        installed = snapshot;
        snapshotsInstalled++;
    }

    /** Whether the write {@code id} was applied, superseded or is in the log waiting to commit (a client's retry). */
    Optional<ProposeOutcome> retryOf(WriteId id) {
        Optional<WriteResult> done = store.dedup().applied(id);
        if (done.isPresent()) {
            return Optional.of(new ProposeOutcome.AlreadyApplied(done.get()));
        }
        if (store.dedup().superseded(id)) {
            return Optional.of(new ProposeOutcome.Superseded(id));
        }
        for (long seq = commitSeq + 1; seq <= log.lastSeq(); seq++) {
            Entry pending = log.get(seq);
            if (pending.id().equals(id)) {
                return Optional.of(new ProposeOutcome.Pending(pending.term(), pending.seq()));
            }
        }
        return Optional.empty();
    }

    /**
     * What a helper at {@code helperLast} (with {@code helperCommit} committed) misses, at most
     * {@code maxEntries} entries. Starts at its own position if our log has it, else at its commit point
     * (committed entries are the same everywhere), else (that point compacted away) with a snapshot.
     */
    CatchUp catchUpFor(LogPosition helperLast, long helperCommit, int maxEntries) {
        if (needsSnapshot(helperLast, helperCommit)) {
            return snapshotCatchUp(maxEntries);
        }
        // Committed entries are the same in every later primary's log, even those this primary does not yet
        // know are committed (a helper can learn a commit before the primary that replaced its old primary).
        LogPosition after = log.contains(helperLast)
                ? helperLast
                : new LogPosition(log.termAt(helperCommit).orElseThrow(), helperCommit);
        return new CatchUp(after, null, log.slice(after.seq() + 1, maxEntries), commitSeq);
    }

    /** Whether {@link #catchUpFor} would send a snapshot: neither the helper's position nor its commit is here. */
    boolean needsSnapshot(LogPosition helperLast, long helperCommit) {
        return !log.contains(helperLast) && !(helperCommit >= log.base().seq() && helperCommit <= log.lastSeq());
    }

    private CatchUp snapshotCatchUp(int maxEntries) {
        LogPosition upTo = new LogPosition(log.termAt(commitSeq).orElseThrow(), commitSeq);
        return new CatchUp(upTo, store.snapshot(upTo), log.slice(commitSeq + 1, maxEntries), commitSeq);
    }

    // ------------------------------------------------------------------ committing and applying

    /** Commits up to {@code seq}: applies the entries in order and compacts what is far enough behind. */
    void commitTo(long seq) {
        commitSeq = seq;
        long from = Math.max(store.appliedSeq(), log.base().seq()) + 1;
        for (long s = from; s <= commitSeq; s++) {
            Entry entry = log.get(s);
            applied.add(new Applied(entry, store.apply(entry)));
        }
        long compactTo = commitSeq - KEEP_AFTER_COMPACT;
        if (log.size() > COMPACT_ABOVE && compactTo > log.base().seq()) {
            log.compactTo(compactTo);
        }
    }

    /** The entries applied since the last call, in order. */
    List<Applied> drainApplied() {
        List<Applied> drained = List.copyOf(applied);
        applied.clear();
        return drained;
    }

    // ------------------------------------------------------------------ durability

    /**
     * What changed since the last {@link #markDurable}, with {@code changedHard} (null if the hard state did not).
     * Entries the log compacted from memory before they were made durable are in the applied state: a snapshot of
     * it carries them.
     */
    DurableChanges changes(HardState changedHard) {
        Snapshot snapshot = installed;
        long from = log.dirtyFrom();
        if (snapshot == null && from <= log.base().seq()) {
            snapshot = snapshot();
        }
        if (snapshot != null) {
            from = snapshot.lastIncluded().seq() + 1;
        } else if (from == ReplicatedLog.CLEAN) {
            return changedHard == null ? DurableChanges.NONE : new DurableChanges(changedHard, null, 0, List.of());
        }
        return new DurableChanges(changedHard, snapshot, from, log.slice(from, log.size()));
    }

    /** The driver made {@link #changes} durable: the whole log is durable now. */
    void markDurable() {
        installed = null;
        log.markClean();
        durableSeq = log.lastSeq();
    }

    long durableSeq() {
        return durableSeq;
    }

    Snapshot snapshot() {
        return store.snapshot(committed());
    }

    long snapshotsInstalled() {
        return snapshotsInstalled;
    }

    // ------------------------------------------------------------------ observation

    Optional<byte[]> get(String key) {
        return store.get(key);
    }

    LogPosition last() {
        return log.last();
    }

    long lastSeq() {
        return log.lastSeq();
    }

    boolean contains(LogPosition position) {
        return log.contains(position);
    }

    OptionalLong termAt(long seq) {
        return log.termAt(seq);
    }

    long commitSeq() {
        return commitSeq;
    }

    LogPosition committed() {
        return new LogPosition(log.termAt(commitSeq).orElseThrow(), commitSeq);
    }

    long appliedSeq() {
        return store.appliedSeq();
    }

    int size() {
        return store.size();
    }
}
