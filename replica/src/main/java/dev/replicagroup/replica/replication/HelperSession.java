package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.LogPosition;

/** What the transport tells the engine about one helper's update stream. */
public interface HelperSession {
    void onAck(LogPosition matched);

    /** The transport can take more updates again. */
    void onReady();

    void onClosed();
}
