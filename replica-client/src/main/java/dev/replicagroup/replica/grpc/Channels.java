package dev.replicagroup.replica.grpc;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One channel per address (plaintext or TLS, see {@link ChannelSecurity}), shared by every stub that talks to it. */
public final class Channels implements AutoCloseable {
    /** Snapshots of a large state travel in one message; servers and channels accept the same size. */
    public static final int MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

    private final Map<String, ManagedChannel> byAddress = new ConcurrentHashMap<>();
    /** The loops the channels run on; null: gRPC's shared default ones. */
    private final EventLoops loops;

    private final ChannelSecurity security;

    /** Plaintext channels on gRPC's shared event loops. */
    public Channels() {
        this(null, ChannelSecurity.plaintext());
    }

    /** Channels secured by {@code security} on gRPC's shared event loops. */
    public Channels(ChannelSecurity security) {
        this(null, security);
    }

    /** Channels on {@code loops} (owned by the caller, which closes them after these channels). */
    public Channels(EventLoops loops, ChannelSecurity security) {
        this.loops = loops;
        this.security = security;
    }

    /**
     * The channel to {@code address}. A channel whose last connection attempt failed is replaced rather than
     * left to its back-off (during which calls fail at once): a replica restarted at the same address, as a
     * container restarted in its pod is, answers the next call.
     */
    public ManagedChannel to(String address) {
        return byAddress.compute(address, (a, channel) -> {
            if (channel == null) {
                return open(a);
            }
            if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
                channel.shutdownNow();
                return open(a);
            }
            return channel;
        });
    }

    private ManagedChannel open(String address) {
        NettyChannelBuilder builder = security.builder(address);
        if (loops != null) {
            builder.eventLoopGroup(loops.group()).channelType(loops.channelType());
        }
        return builder
                // Callbacks (update streams, futures) only enqueue to an engine or complete a caller's future.
                .directExecutor()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .keepAliveTime(10, TimeUnit.SECONDS)
                .keepAliveTimeout(5, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                // Callers retry themselves (writes with their request id; update streams reopen), and gRPC's own
                // retry buffers every message of a long-lived stream until it commits: a copy per update.
                .disableRetry()
                .build();
    }

    @Override
    public void close() {
        byAddress.values().forEach(ManagedChannel::shutdownNow);
        byAddress.clear();
    }
}
