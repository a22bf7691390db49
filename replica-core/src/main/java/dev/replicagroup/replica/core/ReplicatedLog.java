package dev.replicagroup.replica.core;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The ordered updates after {@code base}, the last position folded into the applied state and dropped
 * from memory. Entry i holds seq base.seq + 1 + i. It also remembers the lowest seq appended or truncated since
 * the driver last made the log durable ({@link #dirtyFrom}), so the driver writes only what changed.
 */
final class ReplicatedLog {
    static final long CLEAN = Long.MAX_VALUE;

    private LogPosition base = LogPosition.ZERO;
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long dirtyFrom = CLEAN;

    LogPosition base() {
        return base;
    }

    LogPosition last() {
        return entries.isEmpty() ? base : entries.get(entries.size() - 1).position();
    }

    long lastSeq() {
        return base.seq() + entries.size();
    }

    int size() {
        return entries.size();
    }

    /** The term of the entry at seq, if this log still knows it. */
    OptionalLong termAt(long seq) {
        if (seq == base.seq()) {
            return OptionalLong.of(base.term());
        }
        if (seq < base.seq() || seq > lastSeq()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(get(seq).term());
    }

    boolean contains(LogPosition position) {
        OptionalLong term = termAt(position.seq());
        return term.isPresent() && term.getAsLong() == position.term();
    }

    Entry get(long seq) {
        return entries.get((int) (seq - base.seq() - 1));
    }

    List<Entry> slice(long fromSeq, int max) {
        int from = (int) (fromSeq - base.seq() - 1);
        int to = Math.min(entries.size(), from + max);
        return from >= to ? List.of() : List.copyOf(entries.subList(from, to));
    }

    void append(Entry entry) {
        if (entry.seq() != lastSeq() + 1) {
            throw new IllegalArgumentException("entry " + entry.position() + " does not follow " + last());
        }
        entries.add(entry);
        dirtyFrom = Math.min(dirtyFrom, entry.seq());
    }

    /** Drops the entries from seq on. */
    void truncateFrom(long seq) {
        int from = (int) (seq - base.seq() - 1);
        entries.subList(Math.max(0, from), entries.size()).clear();
        dirtyFrom = Math.min(dirtyFrom, seq);
    }

    /** Forgets the entries up to and including seq: the applied state holds them. */
    void compactTo(long seq) {
        LogPosition newBase = get(seq).position();
        entries.subList(0, (int) (seq - base.seq())).clear();
        base = newBase;
    }

    /** Starts over after a snapshot: empty, based at its position. */
    void resetTo(LogPosition newBase) {
        entries.clear();
        base = newBase;
        dirtyFrom = CLEAN;
    }

    /** The lowest seq changed since {@link #markClean}; {@link #CLEAN} if none. */
    long dirtyFrom() {
        return dirtyFrom;
    }

    void markClean() {
        dirtyFrom = CLEAN;
    }
}
