package dev.replicagroup.replica.replication;

import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Says when the engine did not run for a heartbeat or longer (etcd's "leader failed to send out heartbeat on
 * time"): a GC pause, a CPU starved or throttled by its cgroup, or a long task. The engine ticks every 10 ms while
 * it runs, so a longer gap between two runs is such a stall. A primary stalled for its lease stops serving and its
 * helpers report it lost after the detection timeout: this warning is what tells the user why a failover came.
 * At most one line per {@link #EVERY}, with the count and the longest since the last line.
 */
final class EngineStalls {
    private static final Logger LOG = Logger.getLogger(EngineStalls.class);
    static final Duration EVERY = Duration.ofSeconds(10);

    private final String self;
    private final long thresholdNanos;
    private long lastRanAt;
    private long lastWarnedAt = Long.MIN_VALUE;
    private int unreported;
    private long longestUnreported;

    EngineStalls(String self, Duration heartbeat, long startedAt) {
        this.self = self;
        this.thresholdNanos = heartbeat.toNanos();
        this.lastRanAt = startedAt;
    }

    /** The engine runs at {@code now} (nanoseconds); the stall it ended, if any, is noted. */
    void ran(long now) {
        long gap = now - lastRanAt;
        lastRanAt = now;
        if (gap < thresholdNanos) {
            return;
        }
        unreported++;
        longestUnreported = Math.max(longestUnreported, gap);
        if (lastWarnedAt != Long.MIN_VALUE && now - lastWarnedAt < EVERY.toNanos()) {
            return;
        }
        LOG.warnf(
                "replica %s did not run for %d ms (%d time(s) since the last such line, heartbeat %d ms): a GC pause,"
                        + " a starved or CPU-throttled container (give it a CPU request), or a long task; a primary"
                        + " stalled this long misses its heartbeats and its helpers may report it lost",
                self, longestUnreported / 1_000_000, unreported, thresholdNanos / 1_000_000);
        lastWarnedAt = now;
        unreported = 0;
        longestUnreported = 0;
    }

    int unreported() {
        return unreported;
    }
}
