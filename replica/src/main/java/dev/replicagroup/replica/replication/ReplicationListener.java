package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.CatchUp;

/** Receives what the primary sends on an update stream. */
public interface ReplicationListener {
    void onUpdate(long term, CatchUp update);

    /** The stream ended; {@code error} says why. */
    void onError(ReplicaException error);
}
