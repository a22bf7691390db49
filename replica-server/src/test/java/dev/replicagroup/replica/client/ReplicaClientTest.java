package dev.replicagroup.replica.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.replicagroup.replica.core.WriteId;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.ProtoMapper;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.PutRequest;
import dev.replicagroup.replica.grpc.v1.WriteResponse;
import dev.replicagroup.replica.load.LoadGenerator;
import dev.replicagroup.replica.load.LoadReport;
import dev.replicagroup.replica.load.StaleReads;
import dev.replicagroup.replica.server.ReplicaServer;
import dev.replicagroup.replica.server.ServerOptions;
import dev.replicagroup.replica.status.ReplicaException;
import dev.replicagroup.replica.testing.FreePorts;
import dev.replicagroup.replica.testing.Progress;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client moves on at once from a dead, frozen or demoted server; a frozen one costs one attempt timeout; a write
 * retried after a failover applies once.
 */
class ReplicaClientTest {
    static final String TOKEN = "test-token";
    static final Duration ATTEMPT = Duration.ofMillis(700);
    static final ClientOptions CLIENT = new ClientOptions(Duration.ofSeconds(20), ATTEMPT, Duration.ofSeconds(5));

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

    /** A primary and two helpers of it. */
    record Group(ReplicaServer primary, ReplicaServer helper, ReplicaServer other) {
        List<String> all() {
            return List.of(primary.address(), helper.address(), other.address());
        }

        /** The helper at {@code address} (the new primary a failover named). */
        ReplicaServer helperAt(String address) {
            return helper.address().equals(address) ? helper : other;
        }
    }

    Group group() throws IOException {
        ReplicaServer primary = start("");
        return new Group(primary, start(primary.address()), start(primary.address()));
    }

    /** Accepts TCP connections and never answers: what a SIGSTOPped server looks like to a client. */
    String frozen() throws IOException {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        // Only held: a socket that becomes unreachable is closed by its cleaner, and a closed socket would be a
        // dead server, not a frozen one.
        @SuppressWarnings("ModifiedButNotUsed")
        List<Socket> accepted = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(socket.accept());
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        closing.add(socket);
        return "127.0.0.1:" + socket.getLocalPort();
    }

    @Test
    void frozenAndDeadServersAreAskedAtOnceNotOneAfterTheOther() throws Exception {
        ReplicaServer primary = start("");
        ReplicaServer helper = start(primary.address());
        String dead = "127.0.0.1:" + FreePorts.next();
        try (ReplicaClient warm = ReplicaClient.connect(List.of(helper.address()), CLIENT)) {
            warm.put("warm-up", "v0".getBytes(StandardCharsets.UTF_8)); // class loading is not what is measured
        }
        long began = System.nanoTime();
        try (ReplicaClient client =
                ReplicaClient.connect(List.of(frozen(), frozen(), frozen(), dead, helper.address()), CLIENT)) {
            client.put("k", "v1".getBytes(StandardCharsets.UTF_8));
            long tookMs = (System.nanoTime() - began) / 1_000_000;
            assertArrayEquals(
                    "v1".getBytes(StandardCharsets.UTF_8),
                    client.get(List.of("k")).get("k").orElse(null));
            // Three frozen servers asked one after the other would cost three attempt timeouts (2.1 s).
            assertTrue(tookMs < ATTEMPT.toMillis() + 800, "connecting and the first write took " + tookMs + " ms");
        }
    }

    @Test
    void afterTheFailoverTheNextWriteGoesToTheNewPrimaryAtOnce() throws Exception {
        Group group = group();
        ReplicaServer primary = group.primary();
        List<String> all = group.all();
        try (ReplicaClient client = ReplicaClient.connect(all, CLIENT)) {
            client.put("before", "v1".getBytes(StandardCharsets.UTF_8));
            primary.close();
            ManualFailover.Outcome outcome = new ManualFailover(admin, line -> {}).run(all, 1);
            long began = System.nanoTime();
            client.put("after", "v2".getBytes(StandardCharsets.UTF_8));
            long tookMs = (System.nanoTime() - began) / 1_000_000;
            assertTrue(tookMs < 1500, "the first write after the promotion took " + tookMs + " ms");
            assertEquals(2, client.servers().term());
            assertEquals(outcome.newPrimary(), client.servers().primary());
        }
    }

    /**
     * A client given only the primary's address (its bootstrap list is dead after the fault) finds the new
     * primary from the helpers its Active List named, also while every live server is fenced and names none.
     */
    @Test
    void aClientBootstrappedFromThePrimaryAloneFindsTheNewPrimaryAfterItDies() throws Exception {
        Group group = group();
        ReplicaServer primary = group.primary();
        List<String> all = group.all();
        try (ReplicaClient client = ReplicaClient.connect(List.of(primary.address()), CLIENT)) {
            client.put("before", "v1".getBytes(StandardCharsets.UTF_8));
            // The helpers may join after the client's first look: it knows them once the primary lists them.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> client.servers().servers().size() == 3);
            primary.close();
            for (String helper : all.subList(1, 3)) {
                admin.fence(helper, 2);
            }
            // Asks while every live server is fenced: the lists it gets name no primary.
            try (ReplicaClient probe =
                    ReplicaClient.connect(all.subList(1, 3), CLIENT.withDeadline(Duration.ofMillis(300)))) {
                assertEquals("", probe.servers().primary(), "the fenced helpers name no primary");
            }
            client.servers();
            admin.promote(all.get(1), 2, 0);
            admin.follow(all.get(2), all.get(1), 2);
            client.put("after", "v2".getBytes(StandardCharsets.UTF_8));
            assertEquals(all.get(1), client.servers().primary());
        }
    }

    /** A primary that lost its helpers stops serving by itself; the client keeps asking and gives up on time. */
    @Test
    void isolatedPrimaryIsNotServingAndTheClientGivesUpAtItsDeadline() throws Exception {
        ReplicaServer primary = start("");
        ReplicaServer helper = start(primary.address());
        ClientOptions shortDeadline = new ClientOptions(Duration.ofSeconds(2), ATTEMPT, Duration.ofSeconds(5));
        try (ReplicaClient client = ReplicaClient.connect(List.of(primary.address()), shortDeadline)) {
            client.put("before", "v1".getBytes(StandardCharsets.UTF_8));
            helper.close();
            Thread.sleep(1500); // well past the lease (500 ms by default)
            long began = System.nanoTime();
            ReplicaException failure = assertThrows(
                    ReplicaException.class, () -> client.put("after", "v2".getBytes(StandardCharsets.UTF_8)));
            long tookMs = (System.nanoTime() - began) / 1_000_000;
            assertEquals(ReplicaException.Reason.NOT_SERVING, failure.reason(), failure.getMessage());
            assertTrue(tookMs < 2000 + ATTEMPT.toMillis() + 500, "gave up after " + tookMs + " ms");
        }
    }

    @Test
    void loadWithReadsAcrossAFailoverHasNoStaleReadAndLosesNothing() throws Exception {
        Group group = group();
        ReplicaServer primary = group.primary();
        List<String> all = group.all();
        LoadGenerator.Running running = new LoadGenerator(all, CLIENT, 3, 0.5, true).start();
        Progress.awaitCommits(primary, 50);
        primary.close();
        ManualFailover.Outcome outcome = new ManualFailover(admin, line -> {}).run(all, 1);
        Progress.awaitCommits(group.helperAt(outcome.newPrimary()), 50);
        LoadReport done = running.stop();
        assertTrue(done.ok() > 0 && done.reads() > 0, done.summary());
        assertEquals(List.of(), StaleReads.find(done.history()));
        assertEquals(List.of(), LoadGenerator.lostWrites(List.of(outcome.newPrimary()), CLIENT, done.acknowledged()));
    }

    /**
     * After the lost reply another client overwrites the key. Were the retry applied a second time, the key would
     * hold the retried value again, the new primary's log would have grown by an entry of term 2, and the answer
     * would name that entry and say the key existed; applied once, the retry gets the first answer and changes
     * nothing.
     */
    @Test
    void aWriteWhoseReplyWasLostIsAppliedOnceWhenRetriedOnTheNewPrimary() throws Exception {
        Group group = group();
        ReplicaServer primary = group.primary();
        List<String> all = group.all();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> group.helper().node().view().caughtUp()
                        && group.other().node().view().caughtUp());
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
        ReplicaServer newPrimary = group.helperAt(outcome.newPrimary());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> newPrimary.node().view().timing().serving());
        long lastBefore = newPrimary.node().view().last().seq();

        WriteResponse retried;
        try (Channels channels = new Channels()) {
            // As the client library retries after a lost reply: the same request, from the server that failed
            // (now dead) on to wherever the group points.
            retried = new Retries(new GroupView(all, CLIENT, channels), CLIENT)
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
}
