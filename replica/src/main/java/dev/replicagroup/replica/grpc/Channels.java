package dev.replicagroup.replica.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One plaintext channel per address, shared by every stub that talks to it. */
public final class Channels implements AutoCloseable {
    /** Snapshots of a large state travel in one message. */
    static final int MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

    private final Map<String, ManagedChannel> byAddress = new ConcurrentHashMap<>();

    public ManagedChannel to(String address) {
        return byAddress.computeIfAbsent(address, a -> NettyChannelBuilder.forTarget(a)
                .usePlaintext()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .keepAliveTime(10, TimeUnit.SECONDS)
                .keepAliveTimeout(5, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                .build());
    }

    @Override
    public void close() {
        byAddress.values().forEach(ManagedChannel::shutdownNow);
        byAddress.clear();
    }
}
