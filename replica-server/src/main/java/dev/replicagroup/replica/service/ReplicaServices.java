package dev.replicagroup.replica.service;

import dev.replicagroup.replica.replication.ReplicaNode;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import java.util.List;

/** The gRPC services of one replica, ready to be added to a server. */
public final class ReplicaServices {
    private ReplicaServices() {}

    public static List<ServerServiceDefinition> of(
            ReplicaNode node, String adminToken, RequestMetrics metrics, StatusWatch watch) {
        return List.of(
                new CloneService(node, metrics).bindService(),
                new PeerService(node).bindService(),
                ServerInterceptors.intercept(
                        new AdminService(node, metrics, watch), new AdminTokenInterceptor(adminToken)),
                new HealthService(node).bindService());
    }
}
