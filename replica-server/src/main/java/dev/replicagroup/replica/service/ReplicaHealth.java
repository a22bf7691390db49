package dev.replicagroup.replica.service;

import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.replication.ReplicaNode;
import dev.replicagroup.replica.status.NodeStatus;
import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;

/**
 * The standard {@code grpc.health.v1} service the readiness probe calls, grpc-java's own (Check and Watch), kept in
 * step with the node: SERVING for a primary that holds its lease, or a helper that has caught up with a primary
 * once (also while it has lost its primary, and when a failover fenced it with its state, so that it stays Ready
 * and eligible for promotion); NOT_SERVING otherwise (joining, fenced without having caught up, a primary cut off
 * from its helpers or shutting down). The same status answers for the whole server ({@code ""}, what the kubelet
 * asks) and for the Clone service, the one clients call; other names are NOT_FOUND.
 */
final class ReplicaHealth {
    private final HealthStatusManager manager = new HealthStatusManager();

    ReplicaHealth(ReplicaNode node) {
        // The manager starts SERVING; a replica says what it is before its server accepts the first probe.
        publish(node.view());
        node.onChange(this::publish);
    }

    static ServingStatus statusOf(NodeStatus status) {
        boolean serving = status.role() == Role.PRIMARY ? status.timing().serving() : status.caughtUp();
        return serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    }

    BindableService service() {
        return manager.getHealthService();
    }

    /** On the engine thread after every input; the manager tells watchers only when a status changes. */
    private void publish(NodeStatus status) {
        ServingStatus now = statusOf(status);
        manager.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, now);
        manager.setStatus(CloneGrpc.SERVICE_NAME, now);
    }
}
