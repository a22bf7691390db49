package dev.replicagroup.replica.failover;

import dev.replicagroup.replica.replication.NodeStatus;
import dev.replicagroup.replica.replication.ReplicaException;

/** The admin calls a failover makes, by replica address: over gRPC in production, in memory in tests. */
public interface ReplicaAdmin {
    NodeStatus status(String address) throws ReplicaException;

    /** Promote in {@code term}; the new primary serves only {@code holdoffMillis} after (see LeaseHoldoff). */
    NodeStatus promote(String address, long term, long holdoffMillis) throws ReplicaException;

    NodeStatus follow(String address, String primary, long term) throws ReplicaException;

    NodeStatus fence(String address, long term) throws ReplicaException;
}
