package dev.replicagroup.replica.core;

import java.util.Optional;

/** What a read on this replica gave. */
public sealed interface ReadOutcome {

    /** The committed value (empty when absent) and the seq of the state that answered. */
    record Value(Optional<byte[]> value, long appliedSeq) implements ReadOutcome {}

    /** This replica is not the primary; {@code primary} is the one it knows of (may be empty). */
    record NotPrimary(Role role, long term, String primary) implements ReadOutcome {}

    /** The primary may not answer now (no lease, hold-off, term not yet started), and says why. */
    record NotServing(long term, String why) implements ReadOutcome {}
}
