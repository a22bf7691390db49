package dev.replicagroup.replica.service;

import dev.replicagroup.replica.replication.ReplicaNode;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The gRPC services of one replica, ready to be added to a server. */
public final class ReplicaServices {
    private ReplicaServices() {}

    /**
     * @param reflection whether to add server reflection (grpcurl's {@code list} and {@code describe}): it tells the
     *     services and message types, never data
     * @param peerName with mutual TLS, the name a peer's certificate must hold; null without TLS
     */
    public static List<ServerServiceDefinition> of(
            ReplicaNode node,
            String adminToken,
            RequestMetrics metrics,
            StatusWatch watch,
            ServersWatch serversWatch,
            boolean reflection,
            String peerName) {
        ServerServiceDefinition peer =
                ServerInterceptors.intercept(new PeerService(node), TokenInterceptor.peer(adminToken));
        if (peerName != null) {
            // Runs first: without the member certificate, the token is not even looked at.
            peer = ServerInterceptors.intercept(peer, new PeerCertificates(peerName));
        }
        // Every request of ours that does not decode is answered INVALID_ARGUMENT (health and reflection are grpc's).
        List<ServerServiceDefinition> services = new ArrayList<>(Stream.of(
                        new CloneService(node, metrics, serversWatch).bindService(),
                        peer,
                        ServerInterceptors.intercept(
                                new AdminService(node, metrics, watch), TokenInterceptor.admin(adminToken)))
                .map(UndecodableRequests::answeredIn)
                .toList());
        services.add(new ReplicaHealth(node).service().bindService());
        if (reflection) {
            services.add(ProtoReflectionServiceV1.newInstance().bindService());
            services.add(reflectionV1alpha());
        }
        return services;
    }

    /** Health alone, for the plaintext port the kubelet probes when the main one speaks TLS. */
    public static ServerServiceDefinition health(ReplicaNode node) {
        return new ReplicaHealth(node).service().bindService();
    }

    /** The v1alpha version too: older grpcurl, grpcui and Postman know only that one. */
    @SuppressWarnings("deprecation") // deprecated for V1, which is served beside it
    private static ServerServiceDefinition reflectionV1alpha() {
        return ProtoReflectionService.newInstance().bindService();
    }
}
