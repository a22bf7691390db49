package dev.replicagroup.replica.replication;

/** How a replica reaches other replicas: gRPC in production, an in-memory network with faults in tests. */
public interface PeerNetwork extends AutoCloseable {
    PeerClient to(String address);

    @Override
    default void close() {
    }
}
