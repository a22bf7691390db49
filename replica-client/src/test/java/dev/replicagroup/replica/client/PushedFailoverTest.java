package dev.replicagroup.replica.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.core.ActiveList;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.core.ServerEntry;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.ProtoMapper;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.GetServersRequest;
import dev.replicagroup.replica.grpc.v1.PutRequest;
import dev.replicagroup.replica.grpc.v1.WriteResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client blocked on a frozen primary moves to the new one when a member pushes the failover, not when its attempt
 * times out. The servers are stand-ins whose GetServers keeps naming the frozen primary, so only the pushed list
 * can tell the client: without the push the write would wait out its 10 s attempt.
 */
class PushedFailoverTest {
    private static final Duration ATTEMPT = Duration.ofSeconds(10);

    private final List<Server> servers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(Server::shutdownNow);
    }

    /** A Clone server: its Put blocks (frozen) or answers; GetServers answers {@code asked}; its watches are kept. */
    private static final class StandIn extends CloneGrpc.CloneImplBase {
        final boolean frozen;
        volatile ActiveList asked;
        final List<StreamObserver<dev.replicagroup.replica.grpc.v1.ActiveList>> watchers = new CopyOnWriteArrayList<>();
        final CountDownLatch putReceived = new CountDownLatch(1);
        final CountDownLatch watched = new CountDownLatch(1);
        final AtomicInteger putsAnswered = new AtomicInteger();

        StandIn(boolean frozen) {
            this.frozen = frozen;
        }

        @Override
        public void put(PutRequest request, StreamObserver<WriteResponse> out) {
            putReceived.countDown();
            if (!frozen) {
                putsAnswered.incrementAndGet();
                out.onNext(WriteResponse.newBuilder().setTerm(2).setSeq(7).build());
                out.onCompleted();
            }
        }

        @Override
        public void getServers(
                GetServersRequest request, StreamObserver<dev.replicagroup.replica.grpc.v1.ActiveList> out) {
            out.onNext(ProtoMapper.toProto(asked));
            out.onCompleted();
        }

        @Override
        public void watchServers(
                GetServersRequest request, StreamObserver<dev.replicagroup.replica.grpc.v1.ActiveList> out) {
            out.onNext(ProtoMapper.toProto(asked));
            watchers.add(out);
            watched.countDown();
        }

        void push(ActiveList list) {
            watchers.forEach(w -> w.onNext(ProtoMapper.toProto(list)));
        }
    }

    private String start(StandIn service) throws Exception {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(service)
                .build()
                .start();
        servers.add(server);
        return "127.0.0.1:" + server.getPort();
    }

    private static ActiveList list(long term, String primary, String... members) {
        return new ActiveList(
                term,
                primary,
                List.of(members).stream()
                        .map(m -> new ServerEntry(m, m.equals(primary) ? Role.PRIMARY : Role.HELPER, 1))
                        .toList());
    }

    @Test
    void aWriteBlockedOnAFrozenPrimaryMovesWhenTheFailoverIsPushed() throws Exception {
        StandIn frozen = new StandIn(true);
        StandIn next = new StandIn(false);
        String frozenAddress = start(frozen);
        String nextAddress = start(next);
        ActiveList before = list(1, frozenAddress, frozenAddress, nextAddress);
        frozen.asked = before;
        next.asked = before;

        ClientOptions options = new ClientOptions(Duration.ofSeconds(30), ATTEMPT, Duration.ofMinutes(1));
        try (ReplicaClient client = ReplicaClient.connect(List.of(frozenAddress, nextAddress), options)) {
            assertTrue(next.watched.await(5, TimeUnit.SECONDS), "the client watches every member it knows");
            CompletableFuture<Long> write = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.put("k", "v".getBytes(StandardCharsets.UTF_8)).seq();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(frozen.putReceived.await(5, TimeUnit.SECONDS), "the write went to the primary first");

            long pushedAt = System.nanoTime();
            next.push(list(2, nextAddress, nextAddress, frozenAddress));
            long seq = write.get(20, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pushedAt);

            assertEquals(7, seq);
            assertEquals(1, next.putsAnswered.get(), "the new primary took the write");
            // A generous ceiling, far below the attempt the push cut short.
            assertTrue(millis < ATTEMPT.toMillis() / 3, "moved " + millis + " ms after the push");
        }
    }

    @Test
    void aMemberFirstNamedInAPushedListIsWatchedToo() throws Exception {
        StandIn old = new StandIn(true);
        StandIn newcomer = new StandIn(false);
        String oldAddress = start(old);
        String newAddress = start(newcomer);
        old.asked = list(1, oldAddress, oldAddress);
        newcomer.asked = list(2, newAddress, newAddress, oldAddress);

        ClientOptions options = new ClientOptions(Duration.ofSeconds(30), ATTEMPT, Duration.ofMinutes(1));
        try (ReplicaClient client = ReplicaClient.connect(List.of(oldAddress), options)) {
            assertTrue(old.watched.await(5, TimeUnit.SECONDS), "the client watches the member it was given");
            // The replacement that is promoted joined after the client's discovery: only a push names it. It
            // pushes once more when it starts to serve, to its own watchers only.
            old.push(list(2, newAddress, newAddress, oldAddress));
            assertTrue(
                    newcomer.watched.await(5, TimeUnit.SECONDS),
                    "a member first named by a pushed list is watched, so that its own pushes arrive");
        }
    }

    @Test
    void aPushedListOfAnOlderTermIsNotBelieved() {
        try (Channels channels = new Channels()) {
            GroupView view = new GroupView(List.of("a:1"), ClientOptions.defaults(), channels);
            view.pushed(list(3, "b:1", "a:1", "b:1"));
            view.pushed(list(2, "a:1", "a:1", "b:1"));
            assertEquals("b:1", view.primary());
            assertEquals(3, view.activeList().term());
            assertEquals(2, view.pushes(), "each push wakes whoever waits, believed or not");
            view.close();
        }
    }
}
