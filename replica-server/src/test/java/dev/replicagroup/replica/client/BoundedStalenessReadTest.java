package dev.replicagroup.replica.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.GetRequest;
import dev.replicagroup.replica.grpc.v1.GetResponse;
import dev.replicagroup.replica.replication.NodeConfig;
import dev.replicagroup.replica.server.ReplicaServer;
import dev.replicagroup.replica.server.ServerOptions;
import dev.replicagroup.replica.testing.FreePorts;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reads with bounded staleness over real gRPC: a helper answers from a state that holds every write acknowledged
 * longer ago than the bound, refuses once its primary is silent for longer than the bound, and a read without a
 * bound stays the primary's.
 */
class BoundedStalenessReadTest {
    static final String TOKEN = "test-token";
    static final int BOUND_MS = 1000;

    final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    ReplicaServer start(String tbc) throws IOException {
        ReplicaServer server = ReplicaServer.start(ServerOptions.loopback(FreePorts.next(), tbc, 1, TOKEN));
        closing.add(server);
        return server;
    }

    CloneGrpc.CloneBlockingStub clone(ReplicaServer server) {
        ManagedChannel channel =
                NettyChannelBuilder.forTarget(server.address()).usePlaintext().build();
        closing.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return CloneGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    }

    static GetRequest get(String key, int maxStalenessMillis) {
        return GetRequest.newBuilder()
                .addKeys(key)
                .setMaxStalenessMillis(maxStalenessMillis)
                .build();
    }

    @Test
    void helpersAnswerWithinTheBoundAndRefuseOnceTheirPrimaryIsSilentForLonger() throws Exception {
        ReplicaServer primary = start("");
        List<ReplicaServer> helpers = List.of(start(primary.address()), start(primary.address()));
        try (ReplicaClient client = ReplicaClient.connect(List.of(primary.address()))) {
            client.put("k", "v1".getBytes(StandardCharsets.UTF_8));
            // Longer ago than the bound: every answer within it must hold the write.
            Thread.sleep(BOUND_MS + 500);
            for (ReplicaServer helper : helpers) {
                GetResponse answer = clone(helper).get(get("k", BOUND_MS));
                assertEquals("v1", answer.getValues(0).getValue().toStringUtf8(), helper.address());
                assertTrue(
                        answer.getStalenessMillis() > 0 && answer.getStalenessMillis() <= BOUND_MS,
                        helper.address() + " said its state may be " + answer.getStalenessMillis() + " ms old");
            }
            StatusRuntimeException linearizable = assertThrows(
                    StatusRuntimeException.class, () -> clone(helpers.get(0)).get(get("k", 0)));
            assertEquals(
                    Status.Code.FAILED_PRECONDITION, linearizable.getStatus().getCode());
            assertEquals(0, clone(primary).get(get("k", BOUND_MS)).getStalenessMillis(), "the primary's is current");

            assertEquals(
                    "v1",
                    new String(
                            client.getWithin(List.of("k"), Duration.ofMillis(BOUND_MS))
                                    .get("k")
                                    .orElseThrow(),
                            StandardCharsets.UTF_8));

            primary.close();
            Thread.sleep(BOUND_MS + 300);
            for (ReplicaServer helper : helpers) {
                StatusRuntimeException refused = assertThrows(
                        StatusRuntimeException.class, () -> clone(helper).get(get("k", BOUND_MS)));
                assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.getMessage());
                assertTrue(
                        refused.getStatus().getDescription().contains("more than the"),
                        refused.getStatus().getDescription());
            }
        }
    }

    @Test
    void aReadAskingForMoreStalenessThanTheGroupAllowsIsRefusedNamingTheSetting() throws Exception {
        ReplicaServer primary = start("");
        ReplicaServer helper = start(primary.address());
        int allowed = (int) NodeConfig.defaults().maxReadStaleness().toMillis();
        for (ReplicaServer server : List.of(primary, helper)) {
            StatusRuntimeException refused = assertThrows(
                    StatusRuntimeException.class, () -> clone(server).get(get("k", allowed + 1)));
            assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(), refused.getMessage());
            assertTrue(
                    refused.getStatus().getDescription().contains("spec.reads.maxStalenessMillis"),
                    refused.getStatus().getDescription());
        }
    }

    @Test
    void aBoundThatIsNoBoundIsRefusedWithWhatToCallInstead() throws Exception {
        ReplicaServer primary = start("");
        try (ReplicaClient client = ReplicaClient.connect(List.of(primary.address()))) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> client.getWithin(List.of("k"), Duration.ZERO));
            assertTrue(e.getMessage().contains("get(keys)"), e.getMessage());
        }
    }
}
