package dev.replicagroup.operator.crd;

/** The one-word summary shown by {@code kubectl get rg}. */
public enum Phase {
    /** Pods are being created; no primary is serving yet. */
    Pending,
    /**
     * Every member was gone with its data and the group starts again empty (the DataLost condition says what was
     * lost); shown instead of Pending until the new primary serves.
     */
    Reinitialized,
    /** The primary serves and every wanted replica is Ready. */
    Running,
    /** The primary serves but some helpers are missing or not Ready. */
    Degraded,
    /** A failover or switchover is under way. */
    FailingOver,
    /** The spec cannot be carried out; the Degraded condition says why. */
    Invalid
}
