package dev.replicagroup.replica.core;

import java.util.List;

/**
 * What the driver must make durable before it sends a Ready's messages or answers anything: in this order, the
 * snapshot (then the log restarts after it), the log from {@code fromSeq} on replaced by {@code entries}, and the
 * hard state.
 *
 * @param hardState the hard state if it changed, else null
 * @param snapshot  a snapshot the log now starts after (installed from the primary), else null
 * @param fromSeq   the first seq whose entry changed (entries from there on are replaced); 0 if the log is as
 *                  it was
 * @param entries   the log's entries from {@code fromSeq} on (empty when the change was a truncation only)
 */
public record DurableChanges(HardState hardState, Snapshot snapshot, long fromSeq, List<Entry> entries) {
    public static final DurableChanges NONE = new DurableChanges(null, null, 0, List.of());

    public boolean isEmpty() {
        return hardState == null && snapshot == null && fromSeq == 0;
    }
}
