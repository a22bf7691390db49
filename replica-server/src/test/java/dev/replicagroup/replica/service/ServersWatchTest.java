package dev.replicagroup.replica.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.core.ActiveList;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.ProtoMapper;
import dev.replicagroup.replica.grpc.v1.CloneGrpc;
import dev.replicagroup.replica.grpc.v1.GetServersRequest;
import dev.replicagroup.replica.server.ReplicaServer;
import dev.replicagroup.replica.server.ServerOptions;
import dev.replicagroup.replica.testing.FreePorts;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A helper's WatchServers stream tells a client of a failover as it happens: the fence, then the new primary. */
class ServersWatchTest {
    private static final String TOKEN = "test-token";
    private final List<ReplicaServer> servers = new ArrayList<>();
    private final AdminClient admin = new AdminClient(TOKEN, Duration.ofSeconds(3));
    private final Channels channels = new Channels();

    @AfterEach
    void stop() {
        channels.close();
        servers.forEach(ReplicaServer::close);
        admin.close();
    }

    private ReplicaServer start(String tbc) throws Exception {
        ReplicaServer server = ReplicaServer.start(ServerOptions.loopback(FreePorts.next(), tbc, 1, TOKEN));
        servers.add(server);
        return server;
    }

    @Test
    void aHelperPushesTheFenceAndThenTheNewPrimary() throws Exception {
        ReplicaServer primary = start("");
        ReplicaServer next = start(primary.address());
        ReplicaServer other = start(primary.address());
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> servers.stream().allMatch(s -> s.node().view().caughtUp()));

        BlockingQueue<ActiveList> pushed = new LinkedBlockingQueue<>();
        CloneGrpc.newStub(channels.to(other.address()))
                .watchServers(GetServersRequest.getDefaultInstance(), new StreamObserver<>() {
                    @Override
                    public void onNext(dev.replicagroup.replica.grpc.v1.ActiveList list) {
                        pushed.add(ProtoMapper.fromProto(list));
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                });
        ActiveList first = pushed.poll(5, TimeUnit.SECONDS);
        assertNotNull(first, "the list at once");
        assertEquals(primary.address(), first.primary());

        admin.fence(other.address(), 2);
        admin.fence(next.address(), 2);
        admin.promote(next.address(), 2, 0);
        ActiveList latest = first;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!next.address().equals(latest.primary()) && System.nanoTime() < until) {
            ActiveList list = pushed.poll(100, TimeUnit.MILLISECONDS);
            latest = list == null ? latest : list;
        }
        assertEquals(next.address(), latest.primary(), "the new primary, pushed without being asked");
        assertEquals(2, latest.term());
    }
}
