package dev.replicagroup.replica.client;

import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;

/** The admin calls a failover makes, by replica address: over gRPC in production, in memory in tests. */
public interface ReplicaAdmin {
    NodeStatus status(String address) throws ReplicaException;

    /** Promote in {@code term}; the new primary serves only {@code holdoffMillis} after (see LeaseHoldoff). */
    NodeStatus promote(String address, long term, long holdoffMillis) throws ReplicaException;

    NodeStatus follow(String address, String primary, long term) throws ReplicaException;

    NodeStatus fence(String address, long term) throws ReplicaException;

    /** A switchover's hand-over: the primary of {@code term} takes no new writes for {@code millis}. */
    NodeStatus pauseWrites(String address, long term, int millis) throws ReplicaException;
}
