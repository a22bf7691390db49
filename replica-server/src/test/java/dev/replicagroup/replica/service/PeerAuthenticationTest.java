package dev.replicagroup.replica.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.Join;
import dev.replicagroup.replica.grpc.v1.PeerMessage;
import dev.replicagroup.replica.grpc.v1.PutRequest;
import dev.replicagroup.replica.grpc.v1.WriteId;
import dev.replicagroup.replica.grpc.v1.WriteResponse;
import dev.replicagroup.replica.replication.NodeConfig;
import dev.replicagroup.replica.server.ReplicaServer;
import dev.replicagroup.replica.server.ServerOptions;
import dev.replicagroup.replica.testing.FreePorts;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attack over real gRPC: a primary alone with --sync-acks 1 (so it acknowledges no write), and a fake
 * peer that joins it and acks every update without storing it. Without the group's token it is refused and counts
 * for nothing; with it, it is a helper (the token is what makes a member), which shows the attack is real.
 */
class PeerAuthenticationTest {
    static final String TOKEN = "group-token";
    static final Duration WRITE_TIMEOUT = Duration.ofMillis(700);

    final Channels channels = new Channels();
    final AtomicLong requests = new AtomicLong();
    ReplicaServer primary;

    @BeforeEach
    void startPrimaryAlone() throws Exception {
        primary = ReplicaServer.start(ServerOptions.loopback(FreePorts.next(), "", 1, TOKEN)
                .withNode(NodeConfig.defaults().withWriteTimeout(WRITE_TIMEOUT)));
    }

    @AfterEach
    void stop() {
        channels.close();
        primary.close();
    }

    @ParameterizedTest(name = "token {0}")
    @NullSource
    @ValueSource(strings = {"not-the-group-token", ""})
    void aPeerWithoutTheGroupsTokenIsRefusedAndItsAcksCountForNothing(String token) throws Exception {
        try (FakePeer fake = new FakePeer(primary.address(), token)) {
            fake.join(1);
            // Refused, or (the bug) let in and acking: then the write below is acknowledged.
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> fake.outcome.isDone()
                            || primary.node()
                                    .view()
                                    .helper(fake.address)
                                    .filter(h -> h.connected())
                                    .isPresent());
            StatusRuntimeException notAcked = assertThrows(StatusRuntimeException.class, () -> put("k", "v"));
            assertEquals(Status.Code.UNAVAILABLE, notAcked.getStatus().getCode(), notAcked.toString());
            assertTrue(notAcked.getStatus().getDescription().contains("has 0"), notAcked.toString());
            Status refused = fake.outcome.get(15, TimeUnit.SECONDS);
            assertEquals(Status.Code.UNAUTHENTICATED, refused.getCode(), refused.toString());
            assertTrue(refused.getDescription().contains("REPLICA_ADMIN_TOKEN"), refused.getDescription());

            assertTrue(
                    primary.node().view().helpers().isEmpty(),
                    primary.node().view().helpers()::toString);
            assertEquals(0, fake.appends.get(), "the primary sent updates to a refused peer");
            assertEquals(0, primary.node().view().commitSeq(), "a write committed on the primary alone");
        }
    }

    @Test
    void theSameFakePeerWithTheGroupsTokenIsAHelperWhoseAcksCount() throws Exception {
        try (FakePeer fake = new FakePeer(primary.address(), TOKEN)) {
            fake.join(1);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> primary.node()
                            .view()
                            .helper(fake.address)
                            .filter(h -> h.connected())
                            .isPresent());
            assertTrue(put("k", "v").getSeq() > 0);
            assertTrue(fake.appends.get() > 0);
        }
    }

    @Test
    void aStreamThatSpeaksForASecondSenderIsEnded() throws Exception {
        try (FakePeer fake = new FakePeer(primary.address(), TOKEN)) {
            fake.join(1);
            fake.send(PeerMessage.newBuilder()
                    .setFrom("127.0.0.1:1")
                    .setTo(primary.address())
                    .setTerm(1)
                    .setJoin(Join.getDefaultInstance()));
            Status ended = fake.outcome.get(15, TimeUnit.SECONDS);
            assertEquals(Status.Code.INVALID_ARGUMENT, ended.getCode(), ended.toString());
            assertTrue(ended.getDescription().contains("one stream per sending replica"), ended.getDescription());
            assertTrue(primary.node().view().helper("127.0.0.1:1").isEmpty());
        }
    }

    private WriteResponse put(String key, String value) {
        return CloneGrpc.newBlockingStub(channels.to(primary.address()))
                .withDeadlineAfter(WRITE_TIMEOUT.toMillis() + 3000, TimeUnit.MILLISECONDS)
                .put(PutRequest.newBuilder()
                        .setId(WriteId.newBuilder().setClientId("test").setRequestSeq(requests.incrementAndGet()))
                        .setKey(key)
                        .setValue(ByteString.copyFromUtf8(value))
                        .build());
    }
}
