package dev.replicagroup.replica.core;

/** What the primary did with a client write. */
public sealed interface ProposeOutcome {

    /** Appended at seq; acknowledged once committed. */
    record Appended(long term, long seq) implements ProposeOutcome {}

    /** A retry of a write still waiting for its acks at seq. */
    record Pending(long term, long seq) implements ProposeOutcome {}

    /** A retry of a write that was applied already. */
    record AlreadyApplied(WriteResult result) implements ProposeOutcome {}

    /** This replica does not take writes; {@code primary} is the one it knows of (may be empty). */
    record NotPrimary(Role role, long term, String primary) implements ProposeOutcome {}

    /** The primary holds no lease now (or waits out its hold-off): it takes no writes, and says why. */
    record NotServing(long term, String why) implements ProposeOutcome {}

    /** The client sent this request seq after a later one: it breaks the one-write-at-a-time contract. */
    record Superseded(WriteId id) implements ProposeOutcome {}
}
