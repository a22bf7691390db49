package dev.replicagroup.replica.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.server.ReplicaServer;
import dev.replicagroup.replica.server.ServerOptions;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.testing.FreePorts;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The standard gRPC services of a real replica on loopback: server reflection and grpc.health.v1. */
class StandardServicesTest {
    static final String TOKEN = "test-token";
    static final Duration WAIT = Duration.ofSeconds(10);

    final List<ReplicaServer> servers = new ArrayList<>();
    final Channels channels = new Channels();
    final AdminClient admin = new AdminClient(TOKEN, Duration.ofSeconds(3));

    @AfterEach
    void stop() {
        admin.close();
        channels.close();
        servers.forEach(ReplicaServer::close);
    }

    ReplicaServer start(ServerOptions options) throws IOException {
        ReplicaServer server = ReplicaServer.start(options);
        servers.add(server);
        return server;
    }

    ReplicaServer primary() throws IOException {
        return start(ServerOptions.loopback(FreePorts.next(), "", 1, TOKEN));
    }

    ReplicaServer helperOf(ReplicaServer primary) throws IOException {
        return start(ServerOptions.loopback(FreePorts.next(), primary.address(), 1, TOKEN));
    }

    @Test
    void reflectionListsEveryServiceAndDescribesThem() throws Exception {
        ReplicaServer primary = primary();
        Channel channel = channels.to(primary.address());

        ServerReflectionResponse listed = reflect(
                channel,
                ServerReflectionRequest.newBuilder().setListServices("").build());
        Set<String> names = listed.getListServicesResponse().getServiceList().stream()
                .map(ServiceResponse::getName)
                .collect(Collectors.toSet());
        assertTrue(
                names.containsAll(Set.of(
                        "replicagroup.v1.Clone",
                        "replicagroup.v1.Peer",
                        "replicagroup.v1.Admin",
                        "grpc.health.v1.Health",
                        "grpc.reflection.v1.ServerReflection",
                        "grpc.reflection.v1alpha.ServerReflection")),
                names.toString());

        // grpcurl's describe: the file that defines a symbol, with its methods and message types.
        ServerReflectionResponse described = reflect(
                channel,
                ServerReflectionRequest.newBuilder()
                        .setFileContainingSymbol("replicagroup.v1.Admin")
                        .build());
        FileDescriptorProto file = FileDescriptorProto.parseFrom(
                described.getFileDescriptorResponse().getFileDescriptorProto(0));
        assertEquals("replicagroup.v1", file.getPackage());
        ServiceDescriptorProto adminService = file.getServiceList().stream()
                .filter(s -> s.getName().equals("Admin"))
                .findFirst()
                .orElseThrow();
        assertTrue(
                adminService.getMethodList().stream()
                        .map(MethodDescriptorProto::getName)
                        .collect(Collectors.toSet())
                        .containsAll(Set.of("Status", "Fence", "Promote")),
                adminService.toString());
    }

    @Test
    void noReflectionWhenTurnedOff() throws Exception {
        ReplicaServer server =
                start(ServerOptions.loopback(FreePorts.next(), "", 1, TOKEN).withReflection(false));
        ExecutionException off = assertThrows(
                ExecutionException.class,
                () -> reflect(
                        channels.to(server.address()),
                        ServerReflectionRequest.newBuilder().setListServices("").build()));
        assertEquals(
                Status.Code.UNIMPLEMENTED, Status.fromThrowable(off.getCause()).getCode());
        assertEquals(ServingStatus.SERVING, check(channels.to(server.address()), ""), "health is there regardless");
    }

    @Test
    void healthFollowsThePrimaryForTheServerAndTheCloneServiceAndWatchSeesItLoseItsLease() throws Exception {
        ReplicaServer primary = primary();
        ReplicaServer helper = helperOf(primary);
        await().atMost(WAIT)
                .until(() -> helper.node().view().caughtUp()
                        && check(channels.to(primary.address()), "") == ServingStatus.SERVING);
        Channel channel = channels.to(primary.address());
        assertEquals(ServingStatus.SERVING, check(channel, ""));
        assertEquals(ServingStatus.SERVING, check(channel, CloneGrpc.SERVICE_NAME));
        StatusRuntimeException unknown =
                assertThrows(StatusRuntimeException.class, () -> check(channel, "replicagroup.v1.Nothing"));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());

        List<ServingStatus> watched = new CopyOnWriteArrayList<>();
        HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(), collect(watched));
        await().atMost(WAIT).until(() -> watched.equals(List.of(ServingStatus.SERVING)));

        // Its only helper gone, the primary loses its lease: the watch is told, without asking again.
        helper.close();
        await().atMost(WAIT).until(() -> watched.size() == 2);
        assertEquals(List.of(ServingStatus.SERVING, ServingStatus.NOT_SERVING), watched);
        assertEquals(Role.PRIMARY, primary.node().view().role());
        assertEquals(ServingStatus.NOT_SERVING, check(channel, ""));
        assertEquals(ServingStatus.NOT_SERVING, check(channel, CloneGrpc.SERVICE_NAME));
    }

    @Test
    void aHelperServesOnceCaughtUpAndAPrimaryFencedByAFailoverStaysEligible() throws Exception {
        ReplicaServer primary = primary();
        ReplicaServer orphan =
                start(ServerOptions.loopback(FreePorts.next(), "127.0.0.1:" + FreePorts.next(), 1, TOKEN));
        assertEquals(ServingStatus.NOT_SERVING, check(channels.to(orphan.address()), ""), "nothing to catch up from");

        ReplicaServer helper = helperOf(primary);
        List<ServingStatus> watched = new CopyOnWriteArrayList<>();
        HealthGrpc.newStub(channels.to(helper.address()))
                .watch(
                        HealthCheckRequest.newBuilder()
                                .setService(CloneGrpc.SERVICE_NAME)
                                .build(),
                        collect(watched));
        await().atMost(WAIT)
                .until(() -> !watched.isEmpty() && watched.get(watched.size() - 1) == ServingStatus.SERVING);

        // A failover's fence: the primary stops taking writes but keeps its state, so it stays Ready and may be
        // promoted again (docs/failover.md, "Serving").
        NodeStatus fenced = admin.fence(primary.address(), 2);
        assertEquals(Role.FENCED, fenced.role());
        assertEquals(ServingStatus.SERVING, check(channels.to(primary.address()), ""));
    }

    @Test
    void aPrimaryThatFencedItselfHavingLostItsStateIsNotServing() throws Exception {
        ReplicaServer primary = primary();
        ReplicaServer helper = helperOf(primary);
        try (ReplicaClient client =
                ReplicaClient.connect(List.of(primary.address(), helper.address()), ClientOptions.defaults())) {
            for (int i = 0; i < 3; i++) {
                client.put("k" + i, new byte[] {1});
            }
        }
        primary.close();
        // Restarted in place with the same arguments: an empty primary of term 1, which the helper shows more
        // committed entries than it has. It fences itself and must not look Ready: it holds nothing to promote.
        ReplicaServer restarted =
                start(ServerOptions.loopback(Integer.parseInt(primary.address().split(":", -1)[1]), "", 1, TOKEN));
        await().atMost(WAIT).until(() -> restarted.node().view().role() == Role.FENCED);
        assertEquals(ServingStatus.NOT_SERVING, check(channels.to(restarted.address()), ""));
        assertEquals(ServingStatus.NOT_SERVING, check(channels.to(restarted.address()), CloneGrpc.SERVICE_NAME));
    }

    static ServingStatus check(Channel channel, String service) {
        return HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(3, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }

    static StreamObserver<HealthCheckResponse> collect(List<ServingStatus> into) {
        return new StreamObserver<>() {
            @Override
            public void onNext(HealthCheckResponse response) {
                into.add(response.getStatus());
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        };
    }

    /** One request on the reflection stream, as grpcurl sends it, and its one answer. */
    static ServerReflectionResponse reflect(Channel channel, ServerReflectionRequest request)
            throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(3, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        answer.complete(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        requests.onNext(request);
        requests.onCompleted();
        return answer.get(5, TimeUnit.SECONDS);
    }
}
