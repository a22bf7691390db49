package dev.replicagroup.operator.crd;

/**
 * The steps of a failover, in order. The step is kept in status so that an operator that restarts (or
 * another operator pod that takes the lease) continues where the last one stopped.
 */
public enum FailoverStep {
    /** The primary is gone: record why and when. */
    Detect,
    /** Tell the old primary to stop taking writes, and take the primary label off its pod. */
    Fence,
    /** Ask the helpers where they are and choose one; raise the term in status. */
    Select,
    /** Tell the chosen helper to become primary in the new term. */
    Promote,
    /** Put the primary label on the new primary and tell the other replicas to follow it. */
    Repoint,
    /** Check that the new primary serves in the new term; replace or re-attach the old one. */
    Verify,
    /** Finished (only in lastFailover). */
    Done
}
