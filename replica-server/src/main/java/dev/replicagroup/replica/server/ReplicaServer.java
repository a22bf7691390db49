package dev.replicagroup.replica.server;

import dev.replicagroup.replica.core.RecoveredState;
import dev.replicagroup.replica.core.ReplicaState;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.grpc.ChannelSecurity;
import dev.replicagroup.replica.grpc.Channels;
import dev.replicagroup.replica.grpc.EventLoops;
import dev.replicagroup.replica.replication.ReplicaNode;
import dev.replicagroup.replica.service.GrpcPeerNetwork;
import dev.replicagroup.replica.service.ReplicaServices;
import dev.replicagroup.replica.service.ServersWatch;
import dev.replicagroup.replica.service.StatusWatch;
import dev.replicagroup.replica.storage.DiskStorage;
import dev.replicagroup.replica.storage.InMemoryStorage;
import dev.replicagroup.replica.storage.Recovery;
import dev.replicagroup.replica.storage.ReplicaStorage;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One running replica: the protocol engine behind a gRPC server. The {@code serve} command starts one;
 * tests start several in one JVM on loopback ports.
 */
public final class ReplicaServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReplicaServer.class);

    private final ServerOptions options;
    private final EventLoops loop;
    private final GrpcPeerNetwork network;
    private final ReplicaNode node;
    private final StatusWatch watch;
    private final ServersWatch serversWatch;
    private final Server server;
    /** The plaintext health port, or null. */
    private final Server health;
    /** The TLS files being re-read, or null. */
    private final MemberCredentials credentials;

    private ReplicaServer(ServerOptions options, MeterRegistry registry) throws IOException {
        this.options = options;
        ReplicaStorage storage;
        ReplicaState state;
        if (options.storage().durable()) {
            Recovery recovery = DiskStorage.open(
                    options.storage().dataDir(), options.storage().fsync());
            recovery.notes().forEach(note -> LOG.warnf("recovering %s: %s", options.advertise(), note));
            storage = recovery.storage();
            state = startingState(options, recovery.state());
        } else {
            storage = new InMemoryStorage();
            state = startingState(options, RecoveredState.EMPTY);
        }
        LOG.info(describe(options, state, storage));
        if (options.adminToken().isEmpty()) {
            LOG.warnf(
                    "replica %s has no token (no --admin-token or REPLICA_ADMIN_TOKEN): its Admin API is off and ANY"
                            + " client that reaches its port can act as a peer (join as a helper, ack writes it never"
                            + " stored); give every member of the group the same token outside a local test",
                    options.advertise());
        }
        // One I/O thread for the server and the peer streams. In memory, the engine runs on it too: a write then
        // crosses no thread between its request and its reply, and one read of the sockets is one batch. A durable
        // replica's engine has a thread of its own, since its fsync would stall the loop, and with it the updates
        // a primary sends before its own fsync (so that helpers write their disks while it writes its own).
        this.credentials = options.tls().enabled() ? MemberCredentials.load(options.tls()) : null;
        this.loop = EventLoops.of("replica-io-" + options.port(), 1);
        this.network = new GrpcPeerNetwork(
                loop, options.adminToken(), credentials == null ? ChannelSecurity.plaintext() : credentials.peers());
        this.node = storage.durable()
                ? new ReplicaNode(
                        state,
                        network,
                        options.node(),
                        storage,
                        options.storage().snapshotEvery())
                : new ReplicaNode(
                        state,
                        network,
                        options.node(),
                        storage,
                        options.storage().snapshotEvery(),
                        loop.group().next());
        ReplicaMetrics metrics = new ReplicaMetrics(registry, node, storage);
        InetSocketAddress address = new InetSocketAddress(options.bindHost(), options.port());
        NettyServerBuilder builder = (credentials == null
                        ? NettyServerBuilder.forAddress(address)
                        : NettyServerBuilder.forAddress(address, credentials.server()))
                .bossEventLoopGroup(loop.group())
                .workerEventLoopGroup(loop.group())
                .channelType(loop.serverChannelType())
                .maxInboundMessageSize(Channels.MAX_MESSAGE_BYTES)
                // Every handler only hands work to the engine; none blocks, so no executor hop is needed.
                .directExecutor()
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true);
        this.watch = new StatusWatch(node);
        this.serversWatch = new ServersWatch(node);
        ReplicaServices.of(
                        node,
                        options.adminToken(),
                        metrics,
                        watch,
                        serversWatch,
                        options.reflection(),
                        credentials == null ? null : credentials.peerName())
                .forEach(builder::addService);
        this.server = builder.build();
        this.health = options.healthPort() == 0
                ? null
                : NettyServerBuilder.forAddress(new InetSocketAddress(options.bindHost(), options.healthPort()))
                        .bossEventLoopGroup(loop.group())
                        .workerEventLoopGroup(loop.group())
                        .channelType(loop.serverChannelType())
                        .directExecutor()
                        .addService(ReplicaServices.health(node))
                        .build();
        try {
            server.start();
            if (health != null) {
                health.start();
            }
        } catch (IOException e) {
            server.shutdownNow();
            watch.close();
            serversWatch.close();
            network.close();
            loop.close();
            node.close();
            if (credentials != null) {
                credentials.close();
            }
            throw new IOException(
                    "cannot listen on " + options.bindHost() + ":" + options.port()
                            + (health == null ? "" : " and " + options.healthPort()) + ": " + e.getMessage()
                            + " (is another replica using that port? pick another with --port or --health-port)",
                    e);
        }
        node.start();
        LOG.infof(
                "replica %s listening on %s:%d (%s) as %s of term %d",
                options.advertise(),
                options.bindHost(),
                options.port(),
                credentials == null
                        ? "plaintext"
                        : "TLS, members authenticated by certificates for " + credentials.peerName(),
                state.role(),
                state.term());
    }

    /**
     * The start-up contract with the operator: a replica with data (a recorded term) comes back fenced in its term
     * with its log, never primary on its own, unless --tbc makes it a helper that catches up from its position;
     * without data it is a helper with --tbc, else fenced in term 0 with --no-bootstrap, else the primary of term 1.
     */
    static ReplicaState startingState(ServerOptions options, RecoveredState recovered) {
        String self = options.advertise();
        if (recovered.hasData()) {
            return ReplicaState.recovered(self, options.syncAcks(), recovered, options.tbc());
        }
        if (!options.tbc().isEmpty()) {
            return ReplicaState.newHelper(self, options.syncAcks(), options.tbc());
        }
        return options.noBootstrap()
                ? ReplicaState.newFenced(self, options.syncAcks())
                : ReplicaState.newPrimary(self, options.syncAcks());
    }

    private static String describe(ServerOptions options, ReplicaState state, ReplicaStorage storage) {
        if (!storage.durable()) {
            return "replica " + options.advertise() + " keeps its data in memory only (no --data-dir): everything"
                    + " it holds is lost when the process stops";
        }
        return "replica " + options.advertise() + " keeps its data in " + storage.location() + " (--fsync "
                + options.storage().fsync().name().toLowerCase(Locale.ROOT) + "): starts " + state.role() + " in term "
                + state.term() + " at " + state.last() + ", committed up to " + state.commitSeq()
                + (state.role() == Role.FENCED && state.term() > 0
                        ? "; it waits for the operator to promote it or make it follow a primary"
                        : "");
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
        serversWatch.close();
        server.shutdownNow();
        if (health != null) {
            health.shutdownNow();
        }
        network.close();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The loop may be the engine: stopped first, so that nothing runs on the node while it fails what waits.
        loop.close();
        node.close();
        if (credentials != null) {
            credentials.close();
        }
    }
}
