package dev.replicagroup.replica.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.replicagroup.replica.core.WriteId;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.ProtoMapper;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.PutRequest;
import dev.replicagroup.replica.grpc.v1.WriteResponse;
import dev.replicagroup.replica.server.ReplicaServer;
import dev.replicagroup.replica.server.ServerOptions;
import dev.replicagroup.replica.testing.FreePorts;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The retried-write dedup end to end, on real replicas over gRPC: a write the primary acknowledged (so its helper
 * held it) whose reply never reached the client, the primary gone, the same request sent again, by the client
 * library's own retry logic, to the new primary.
 */
class LostReplyRetryTest {
    static final String TOKEN = "test-token";
    static final ClientOptions CLIENT =
            new ClientOptions(Duration.ofSeconds(20), Duration.ofSeconds(2), Duration.ofSeconds(5));

    final List<AutoCloseable> closing = new ArrayList<>();
    final AdminClient admin = new AdminClient(TOKEN, Duration.ofSeconds(3));

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        admin.close();
    }

    ReplicaServer start(String tbc) throws IOException {
        ReplicaServer server = ReplicaServer.start(ServerOptions.loopback(FreePorts.next(), tbc, 1, TOKEN));
        closing.add(server);
        return server;
    }

    /**
     * After the lost reply another client overwrites the key. Were the retry applied a second time, the key would
     * hold the retried value again, the new primary's log would have grown by an entry of term 2, and the answer
     * would name that entry and say the key existed; applied once, the retry gets the first answer and changes
     * nothing.
     */
    @Test
    void aWriteWhoseReplyWasLostIsAppliedOnceWhenRetriedOnTheNewPrimary() throws Exception {
        ReplicaServer primary = start("");
        ReplicaServer helper = start(primary.address());
        ReplicaServer other = start(primary.address());
        List<String> all = List.of(primary.address(), helper.address(), other.address());
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        helper.node().view().caughtUp() && other.node().view().caughtUp());
        PutRequest write = PutRequest.newBuilder()
                .setId(ProtoMapper.toProto(new WriteId("client-whose-reply-was-lost", 1)))
                .setKey("k")
                .setValue(ByteString.copyFromUtf8("retried"))
                .build();

        LostReplies lost = new LostReplies();
        ManagedChannel lossy = NettyChannelBuilder.forTarget(primary.address())
                .usePlaintext()
                .intercept(lost)
                .build();
        closing.add(lossy::shutdownNow);
        StatusRuntimeException unknown = assertThrows(
                StatusRuntimeException.class,
                () -> CloneGrpc.newBlockingStub(lossy)
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .put(write));
        assertEquals(Status.Code.UNAVAILABLE, unknown.getStatus().getCode(), unknown.toString());
        // The primary answered (the client never saw it): the write is acknowledged, so a helper holds it.
        assertEquals(1, lost.replies().size(), "the primary's reply, lost on the way");
        WriteResponse acknowledged = (WriteResponse) lost.replies().get(0);
        assertFalse(acknowledged.getExisted());

        try (ReplicaClient overwriting = ReplicaClient.connect(all, CLIENT)) {
            overwriting.put("k", "overwritten".getBytes(StandardCharsets.UTF_8));
        }
        primary.close();
        ManualFailover.Outcome outcome = new ManualFailover(admin, line -> {}).run(all, 1);
        ReplicaServer newPrimary = outcome.newPrimary().equals(helper.address()) ? helper : other;
        await().atMost(Duration.ofSeconds(10))
                .until(() -> newPrimary.node().view().timing().serving());
        long lastBefore = newPrimary.node().view().last().seq();

        WriteResponse retried;
        try (Channels channels = new Channels()) {
            // As the client library retries after a lost reply: the same request, from the server that failed
            // (now dead) on to wherever the group points.
            GroupView group = new GroupView(all, CLIENT, channels);
            retried = new Retries(group, CLIENT)
                    .withFailover(target -> CloneGrpc.newFutureStub(channels.to(target))
                            .withDeadlineAfter(CLIENT.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS)
                            .put(write));
        }
        assertEquals(acknowledged, retried, "the retry gets the first answer: term 1, its seq, the key new then");
        assertEquals(lastBefore, newPrimary.node().view().last().seq(), "the retry appended nothing");
        try (ReplicaClient reader = ReplicaClient.connect(List.of(newPrimary.address()), CLIENT)) {
            assertEquals(
                    "overwritten",
                    new String(reader.get(List.of("k")).get("k").orElseThrow(), StandardCharsets.UTF_8),
                    "the retry did not write the key again");
        }
    }

    /**
     * Lets requests through and loses their replies: the caller sees UNAVAILABLE, as when the connection breaks
     * after the server answered. Keeps what it lost, so the test knows what the server said.
     */
    static final class LostReplies implements ClientInterceptor {
        private final List<Object> replies = new CopyOnWriteArrayList<>();

        List<Object> replies() {
            return replies;
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    super.start(
                            new SimpleForwardingClientCallListener<>(listener) {
                                @Override
                                public void onMessage(R message) {
                                    replies.add(message);
                                }

                                @Override
                                public void onClose(Status status, Metadata trailers) {
                                    super.onClose(
                                            status.isOk()
                                                    ? Status.UNAVAILABLE.withDescription("the reply was lost")
                                                    : status,
                                            trailers);
                                }
                            },
                            headers);
                }
            };
        }
    }
}
