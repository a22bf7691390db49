package dev.replicagroup.replica.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.grpc.Errors;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.PutRequest;
import dev.replicagroup.replica.grpc.v1.WriteResponse;
import dev.replicagroup.replica.status.ReplicaException;
import dev.replicagroup.replica.status.ReplicaException.Reason;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A failed write is known not to have been applied only when every attempt was refused outright: one ambiguous
 * attempt (here: appended but not acknowledged) makes its fate unknown, whatever the later attempts said.
 */
class WriteOutcomeTest {
    // A short deadline, so that each test gives up soon, but a long attempt timeout: every fake reply here is
    // immediate, and an attempt that timed out on a busy machine would rightly make the outcome unknown and fail
    // the tests that expect it known.
    private static final ClientOptions SHORT =
            new ClientOptions(Duration.ofMillis(800), Duration.ofSeconds(10), Duration.ofSeconds(5));

    private Server server;

    /**
     * The first gRPC call of a JVM is slow (class loading, Netty starting: seconds on a busy machine); made here, it
     * costs no test its deadline. An invalid write is not retried, so this is one call.
     */
    @BeforeAll
    static void warmUp() throws Exception {
        WriteOutcomeTest warm = new WriteOutcomeTest();
        try {
            failedPut(warm.replicaFailingWith(ReplicaException.of(Reason.INVALID, "warm-up")));
        } finally {
            warm.stop();
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdownNow();
        }
    }

    /** A replica whose Put fails with {@code failures} in turn, the last one from then on. */
    private String replicaFailingWith(ReplicaException... failures) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(new CloneGrpc.CloneImplBase() {
                    @Override
                    public void put(PutRequest request, StreamObserver<WriteResponse> response) {
                        int n = Math.min(calls.getAndIncrement(), failures.length - 1);
                        response.onError(Errors.toStatus(failures[n]));
                    }
                })
                .build()
                .start();
        return "127.0.0.1:" + server.getPort();
    }

    private static ReplicaException failedPut(String address) {
        try (ReplicaClient client = ReplicaClient.connect(List.of(address), SHORT)) {
            return assertThrows(ReplicaException.class, () -> client.put("k", "v".getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static ReplicaException notPrimary() {
        return new ReplicaException(Reason.NOT_PRIMARY, "a helper", 1, "");
    }

    @Test
    void refusedByEveryAttemptIsNotApplied() throws Exception {
        ReplicaException failure = failedPut(replicaFailingWith(notPrimary()));
        assertTrue(failure.getMessage().startsWith("gave up"), failure.getMessage());
        assertTrue(failure.notApplied(), failure.getMessage());
    }

    @Test
    void anInvalidWriteIsNotApplied() throws Exception {
        ReplicaException failure = failedPut(replicaFailingWith(ReplicaException.of(Reason.INVALID, "key too long")));
        assertEquals(Reason.INVALID, failure.reason());
        assertTrue(failure.notApplied());
    }

    @Test
    void oneUnacknowledgedAttemptMakesTheOutcomeUnknown() throws Exception {
        ReplicaException failure = failedPut(replicaFailingWith(
                new ReplicaException(Reason.NOT_ACKNOWLEDGED, "appended, too few acks", 1, ""), notPrimary()));
        assertEquals(Reason.NOT_PRIMARY, failure.reason(), "the last attempt's reason");
        assertFalse(failure.notApplied(), "the first attempt may have applied it");
    }

    @Test
    void anUnreachableServerMakesTheOutcomeUnknown() {
        ReplicaException failure = failedPut("127.0.0.1:1");
        assertEquals(Reason.UNREACHABLE, failure.reason());
        assertFalse(failure.notApplied());
    }
}
