package dev.replicagroup.replica.replication;

import java.time.Duration;

/** Timing of the protocol engine. */
public record NodeConfig(
        Duration writeTimeout,
        Duration heartbeatInterval,
        Duration refreshInterval,
        Duration maxRefreshInterval,
        Duration peerCallTimeout,
        int maxBatch) {

    public static NodeConfig defaults() {
        return new NodeConfig(Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofSeconds(16), Duration.ofSeconds(3), 512);
    }

    public NodeConfig withWriteTimeout(Duration timeout) {
        return new NodeConfig(timeout, heartbeatInterval, refreshInterval, maxRefreshInterval, peerCallTimeout,
                maxBatch);
    }
}
