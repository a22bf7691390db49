package dev.replicagroup.replica.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Message;
import dev.replicagroup.replica.grpc.ChannelSecurity;
import dev.replicagroup.replica.grpc.EventLoops;
import dev.replicagroup.replica.grpc.v1.PeerGrpc;
import dev.replicagroup.replica.grpc.v1.PeerMessage;
import dev.replicagroup.replica.grpc.v1.SendSummary;
import dev.replicagroup.replica.testing.FreePorts;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link GrpcPeerNetwork} against a plain gRPC server that records what reaches it. */
class GrpcPeerNetworkTest {
    private final BlockingQueue<PeerMessage> received = new LinkedBlockingQueue<>();
    private Server peer;
    private String peerAddress;
    private EventLoops loops;
    private GrpcPeerNetwork network;

    @BeforeEach
    void start() throws IOException {
        int port = FreePorts.next();
        peerAddress = "127.0.0.1:" + port;
        peer = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .addService(new PeerGrpc.PeerImplBase() {
                    @Override
                    public StreamObserver<PeerMessage> send(StreamObserver<SendSummary> out) {
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(PeerMessage m) {
                                received.add(m);
                            }

                            @Override
                            public void onError(Throwable t) {}

                            @Override
                            public void onCompleted() {
                                out.onCompleted();
                            }
                        };
                    }
                })
                .directExecutor()
                .build()
                .start();
        loops = EventLoops.of("peer-network-test", 1);
        network = new GrpcPeerNetwork(loops, "", ChannelSecurity.plaintext());
    }

    @AfterEach
    void stop() {
        network.close();
        loops.close();
        peer.shutdownNow();
    }

    /**
     * A new primary's first update to a helper it never spoke to, and that helper's first answer, go out on a
     * stream whose connection has not started yet. Dropping them (as for a full buffer) cost a heartbeat or two
     * per failover before the new primary could commit and serve (seen on the cluster: 0.3-0.6 s).
     */
    @Test
    void theFirstMessagesToANewPeerWaitForItsConnectionInsteadOfBeingDropped() throws InterruptedException {
        for (long term = 1; term <= 3; term++) {
            network.send(new Message.Join("me:1", peerAddress, term, LogPosition.ZERO, 0));
        }
        for (long term = 1; term <= 3; term++) {
            PeerMessage m = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(m, "message " + term + " sent before the connection was up reached the peer");
            assertEquals(term, m.getTerm(), "in the order sent");
        }
    }

    /**
     * While a connection starts, only a bounded number of messages wait: a peer whose TCP port takes the
     * connection but never speaks HTTP/2 (a frozen process) fills nothing, and holds up no other peer.
     */
    @Test
    void aPeerThatNeverAnswersHoldsOnlyABoundedQueue() throws IOException, InterruptedException {
        try (ServerSocket frozen = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + frozen.getLocalPort();
            for (int i = 0; i < GrpcPeerNetwork.STARTING_QUEUE * 4; i++) {
                network.send(new Message.Join("me:1", address, i, LogPosition.ZERO, 0));
            }
            assertEquals(GrpcPeerNetwork.STARTING_QUEUE, network.waiting(address));
            network.send(new Message.Join("me:1", peerAddress, 7, LogPosition.ZERO, 0));
            PeerMessage m = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(m, "another peer is not held up");
            assertEquals(7, m.getTerm());
            assertNull(received.poll(200, TimeUnit.MILLISECONDS));
        }
    }
}
