package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.Message;

/**
 * How a replica's messages reach other replicas: gRPC in production, an in-memory network with faults in tests.
 * Incoming messages go to {@link ReplicaNode#deliver}.
 */
public interface PeerNetwork extends AutoCloseable {
    /** Sends without waiting. A message that cannot go now may be dropped: the protocol resends. */
    void send(Message message);

    @Override
    default void close() {}
}
