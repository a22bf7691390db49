package dev.replicagroup.operator.crd;

/**
 * The steps of a failover, in order. The step is kept in status so that an operator that restarts (or
 * another operator pod that takes the lease) continues where the last one stopped.
 */
public enum FailoverStep {
    /** The primary is gone: record why and when, and raise the term in status (before any replica hears it). */
    Detect,
    /** Fence every replica that answers in the new term (the old primary too), and take the primary label off. */
    Fence,
    /** Read the fenced replicas' positions and choose one (PromotionRule), or wait while that is not safe. */
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
