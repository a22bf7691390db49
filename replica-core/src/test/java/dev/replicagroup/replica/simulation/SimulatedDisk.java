package dev.replicagroup.replica.simulation;

import dev.replicagroup.replica.core.DurableChanges;
import dev.replicagroup.replica.core.Entry;
import dev.replicagroup.replica.core.HardState;
import dev.replicagroup.replica.core.RecoveredState;
import dev.replicagroup.replica.core.Snapshot;
import java.util.ArrayList;
import java.util.List;

/** What a simulated replica made durable, as its driver writes it: it survives a crash of the process. */
final class SimulatedDisk {
    private HardState hardState = HardState.NONE;
    private Snapshot snapshot;
    /** The log after the snapshot, in seq order. */
    private final List<Entry> log = new ArrayList<>();

    void write(DurableChanges changes) {
        if (changes.snapshot() != null) {
            snapshot = changes.snapshot();
            log.clear();
        }
        if (changes.fromSeq() > 0) {
            long first = log.isEmpty() ? changes.fromSeq() : log.get(0).seq();
            int from = (int) Math.max(0, Math.min(log.size(), changes.fromSeq() - first));
            log.subList(from, log.size()).clear();
            log.addAll(changes.entries());
        }
        if (changes.hardState() != null) {
            hardState = changes.hardState();
        }
    }

    RecoveredState read() {
        return new RecoveredState(hardState, snapshot, List.copyOf(log));
    }
}
