package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.LogPosition;

/** The helper's end of an update stream. */
public interface ReplicationStream {
    void ack(LogPosition matched);

    void close();
}
