package dev.replicagroup.replica.load;

import java.time.Duration;
import java.util.List;

/**
 * What a load run measured. {@code startNanos} is the run's start on {@link System#nanoTime()}; the history's
 * times count from it, so {@code startNanos + completeNs} places an operation on the caller's clock. {@code acknowledged} holds every write that succeeded (key to value), so a
 * check afterwards can prove none was lost; {@code longestPause} is the longest time with no write
 * acknowledged, which spans a failover.
 */
public record LoadReport(long ok, long errors, Duration elapsed, long p50Micros, long p99Micros, long maxMicros,
        Duration longestPause, java.util.Map<String, String> acknowledged, List<OpRecord> history, long startNanos) {

    public double writesPerSecond() {
        return ok / Math.max(0.001, elapsed.toNanos() / 1e9);
    }

    public String summary() {
        return String.format("writes: %d ok, %d errors in %.1f s = %.0f writes/s; latency p50 %.2f ms, p99 %.2f ms,"
                        + " max %.2f ms; longest pause between acknowledged writes %d ms",
                ok, errors, elapsed.toNanos() / 1e9, writesPerSecond(), p50Micros / 1000.0, p99Micros / 1000.0,
                maxMicros / 1000.0, longestPause.toMillis());
    }
}
