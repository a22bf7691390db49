package dev.replicagroup.replica.core;

/** What a replica is doing in its current term. */
public enum Role {
    /** Orders and acknowledges writes. */
    PRIMARY,
    /** Follows a primary's update stream; a promotion candidate. */
    HELPER,
    /** Told by the operator to stop acting as primary; accepts no writes until told to follow or promoted. */
    FENCED
}
