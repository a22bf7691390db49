package dev.replicagroup.replica.server;

import dev.replicagroup.replica.core.ReplicaState;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.replication.ReplicaNode;
import dev.replicagroup.replica.service.GrpcPeerNetwork;
import dev.replicagroup.replica.service.ReplicaServices;
import dev.replicagroup.replica.service.StatusWatch;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One running replica: the protocol engine behind a gRPC server. The {@code serve} command starts one;
 * tests start several in one JVM on loopback ports.
 */
public final class ReplicaServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReplicaServer.class);

    private final ServerOptions options;
    private final GrpcPeerNetwork network;
    private final ReplicaNode node;
    private final StatusWatch watch;
    private final Server server;

    private ReplicaServer(ServerOptions options, MeterRegistry registry) throws IOException {
        this.options = options;
        ReplicaState state = options.tbc().isEmpty()
                ? ReplicaState.newPrimary(options.advertise(), options.syncAcks())
                : ReplicaState.newHelper(options.advertise(), options.syncAcks(), options.tbc());
        this.network = new GrpcPeerNetwork();
        this.node = new ReplicaNode(state, network, options.node());
        ReplicaMetrics metrics = new ReplicaMetrics(registry, node);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(
                        new InetSocketAddress(options.bindHost(), options.port()))
                .maxInboundMessageSize(Channels.MAX_MESSAGE_BYTES)
                // Every handler only hands work to the engine thread; none blocks, so no executor hop is needed.
                .directExecutor()
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true);
        this.watch = new StatusWatch(node);
        ReplicaServices.of(node, options.adminToken(), metrics, watch).forEach(builder::addService);
        this.server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            watch.close();
            node.close();
            network.close();
            throw new IOException(
                    "cannot listen on " + options.bindHost() + ":" + options.port() + ": " + e.getMessage()
                            + " (is another replica using that port? pick another with --port)",
                    e);
        }
        node.start();
        LOG.infof(
                "replica %s listening on %s:%d as %s",
                options.advertise(),
                options.bindHost(),
                options.port(),
                options.tbc().isEmpty() ? "primary of term 1" : "helper of " + options.tbc());
    }

    public static ReplicaServer start(ServerOptions options, MeterRegistry registry) throws IOException {
        return new ReplicaServer(options, registry);
    }

    public static ReplicaServer start(ServerOptions options) throws IOException {
        return start(options, new SimpleMeterRegistry());
    }

    public String address() {
        return options.advertise();
    }

    public ReplicaNode node() {
        return node;
    }

    /**
     * Stops as a deleted pod should: a primary stops serving at once and waits, up to {@code grace}, until a
     * failover fences it in a higher term (its answer tells the new primary that no lease is left to wait out),
     * then closes. A helper closes at once.
     */
    public void stop(Duration grace) {
        node.retire();
        long until = System.nanoTime() + grace.toNanos();
        while (node.view().role() == Role.PRIMARY && System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.infof(
                "replica %s stopping as %s of term %d",
                options.advertise(), node.view().role(), node.view().term());
        close();
    }

    /** Stops at once, as a crash would (open streams are cut). */
    @Override
    public void close() {
        watch.close();
        server.shutdownNow();
        node.close();
        network.close();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
