package dev.replicagroup.replica.core;

import java.util.List;

/**
 * What a primary sends a helper: the entries that follow {@code after} (a position both logs share),
 * optionally preceded by a snapshot that ends at {@code after}, and the primary's commit seq.
 */
public record CatchUp(LogPosition after, Snapshot snapshot, List<Entry> entries, long commitSeq) {

    /** The last position of the primary's log this update vouches for. */
    public LogPosition end() {
        return entries.isEmpty() ? after : entries.get(entries.size() - 1).position();
    }
}
