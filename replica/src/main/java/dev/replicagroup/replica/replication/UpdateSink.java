package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.CatchUp;

/** The primary's end of an update stream. */
public interface UpdateSink {
    /** False while the transport's buffer is full; the engine waits for {@link HelperSession#onReady()}. */
    boolean ready();

    void send(long term, CatchUp update);

    /** Ends the stream with an error the helper can act on. */
    void fail(ReplicaException error);
}
