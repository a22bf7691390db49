package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.ProtocolSettings;
import java.time.Duration;

/**
 * Timing of a replica. The protocol counts in ticks of {@link #TICK}; the durations here are what users set
 * ({@code --heartbeat-ms}, {@code --lease-ms}, {@code --detection-ms}, {@code --clock-drift-ms}), and the largest
 * staleness a bounded read may ask of it ({@code --max-read-staleness-ms}; zero: helpers answer no read).
 */
public record NodeConfig(
        Duration writeTimeout,
        Duration heartbeat,
        Duration lease,
        Duration detection,
        Duration clockDrift,
        int maxBatch,
        int maxInflight,
        Duration maxReadStaleness) {

    /** The driver's clock step: fine enough for 100 ms heartbeats, coarse enough to cost nothing. */
    public static final Duration TICK = Duration.ofMillis(10);

    public NodeConfig {
        for (Duration d : new Duration[] {heartbeat, lease, detection}) {
            if (d.compareTo(TICK) < 0) {
                throw new IllegalArgumentException(
                        "heartbeat, lease and detection must be at least " + TICK.toMillis() + " ms");
            }
        }
        protocol(heartbeat, lease, detection, clockDrift, maxBatch, maxInflight);
        if (maxReadStaleness.isNegative()) {
            throw new IllegalArgumentException("--max-read-staleness-ms must be 0 (no reads from helpers) or more, was "
                    + maxReadStaleness.toMillis());
        }
    }

    public static NodeConfig defaults() {
        return new NodeConfig(
                Duration.ofSeconds(5),
                Duration.ofMillis(100),
                Duration.ofMillis(500),
                Duration.ofMillis(800),
                Duration.ofMillis(200),
                512,
                4,
                Duration.ofSeconds(5));
    }

    public NodeConfig withWriteTimeout(Duration timeout) {
        return new NodeConfig(
                timeout, heartbeat, lease, detection, clockDrift, maxBatch, maxInflight, maxReadStaleness);
    }

    public NodeConfig withTiming(Duration newHeartbeat, Duration newLease, Duration newDetection, Duration newDrift) {
        return new NodeConfig(
                writeTimeout, newHeartbeat, newLease, newDetection, newDrift, maxBatch, maxInflight, maxReadStaleness);
    }

    public NodeConfig withMaxReadStaleness(Duration bound) {
        return new NodeConfig(writeTimeout, heartbeat, lease, detection, clockDrift, maxBatch, maxInflight, bound);
    }

    public ProtocolSettings protocol() {
        return protocol(heartbeat, lease, detection, clockDrift, maxBatch, maxInflight);
    }

    private static ProtocolSettings protocol(
            Duration heartbeat, Duration lease, Duration detection, Duration drift, int maxBatch, int maxInflight) {
        try {
            return new ProtocolSettings(
                    ticks(heartbeat), ticks(lease), ticksUp(detection), ticksUp(drift), maxBatch, maxInflight);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--heartbeat-ms " + heartbeat.toMillis() + ", --lease-ms "
                            + lease.toMillis() + ", --detection-ms " + detection.toMillis() + ", --clock-drift-ms "
                            + drift.toMillis() + " do not fit: "
                            + e.getMessage().replace(" ticks", " x " + TICK.toMillis() + " ms"),
                    e);
        }
    }

    /** Whole ticks, rounded down: a shorter lease in ticks is the safe side. */
    static int ticks(Duration d) {
        return (int) (d.toMillis() / TICK.toMillis());
    }

    /** Detection and the drift allowance round up, also the safe side. */
    static int ticksUp(Duration d) {
        return (int) ((d.toMillis() + TICK.toMillis() - 1) / TICK.toMillis());
    }
}
