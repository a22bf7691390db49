package dev.replicagroup.replica.core;

import java.util.List;

/**
 * What a replica's storage held when it started: the hard state, the newest snapshot (null if none) and the
 * log entries after it, in order.
 */
public record RecoveredState(HardState hardState, Snapshot snapshot, List<Entry> entries) {
    public static final RecoveredState EMPTY = new RecoveredState(HardState.NONE, null, List.of());

    /** It held data: it took part in a term. */
    public boolean hasData() {
        return hardState.term() > 0;
    }

    public LogPosition last() {
        if (!entries.isEmpty()) {
            return entries.get(entries.size() - 1).position();
        }
        return snapshot == null ? LogPosition.ZERO : snapshot.lastIncluded();
    }
}
