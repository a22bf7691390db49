package dev.replicagroup.replica.core;

import java.util.Optional;

/** What a read on this replica gave. */
public sealed interface ReadOutcome {

    /**
     * The committed value (empty when absent), the seq of the state that answered, and how old that state may be
     * in ticks (0 on a serving primary: linearizable).
     */
    record Value(Optional<byte[]> value, long appliedSeq, long stalenessTicks) implements ReadOutcome {}

    /** This replica is not the primary; {@code primary} is the one it knows of (may be empty). */
    record NotPrimary(Role role, long term, String primary) implements ReadOutcome {}

    /** The primary may not answer now (no lease, hold-off, term not yet started), or a helper
     * not current enough for a bounded-staleness read, and says why. */
    record NotServing(long term, String why) implements ReadOutcome {}
}
