package dev.replicagroup.replica.load;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a load run measured. {@code startNanos} is the run's start on {@link System#nanoTime()}; the history's
 * times count from it, so {@code startNanos + completeNs} places an operation on the caller's clock.
 * {@code acknowledged} holds every write that succeeded (key to value), so a check afterwards can prove none was
 * lost (the unique workload; empty for the register workload, whose keys are overwritten: its history is
 * checked). {@code longestPause} is the longest time with no write acknowledged (it spans a failover), counting the
 * stretch from the last acknowledgement to the end of the run, which is also {@code sinceLastWrite}: a run that
 * ends in an outage shows it there.
 */
public record LoadReport(
        long ok,
        long errors,
        long reads,
        long readErrors,
        Duration elapsed,
        long p50Micros,
        long p99Micros,
        long maxMicros,
        Duration longestPause,
        Duration sinceLastWrite,
        Map<String, String> acknowledged,
        List<OpRecord> history,
        long startNanos) {

    /** This report with {@code more} operations (done after the run, on its clock) added to its history. */
    public LoadReport withMore(List<OpRecord> more) {
        List<OpRecord> all = new java.util.ArrayList<>(history);
        all.addAll(more);
        return new LoadReport(
                ok,
                errors,
                reads,
                readErrors,
                elapsed,
                p50Micros,
                p99Micros,
                maxMicros,
                longestPause,
                sinceLastWrite,
                acknowledged,
                List.copyOf(all),
                startNanos);
    }

    public double writesPerSecond() {
        return ok / Math.max(0.001, elapsed.toNanos() / 1e9);
    }

    /** No write was acknowledged during the last {@code window} of the run (or not at all). */
    public boolean endedInOutage(Duration window) {
        return sinceLastWrite.compareTo(window) >= 0;
    }

    public String summary() {
        return String.format(
                "writes: %d ok, %d errors in %.1f s = %.0f writes/s; reads: %d ok, %d errors;"
                        + " write latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; longest pause between acknowledged"
                        + " writes %d ms (the last %d ms before the end)",
                ok,
                errors,
                elapsed.toNanos() / 1e9,
                writesPerSecond(),
                reads,
                readErrors,
                p50Micros / 1000.0,
                p99Micros / 1000.0,
                maxMicros / 1000.0,
                longestPause.toMillis(),
                sinceLastWrite.toMillis());
    }
}
