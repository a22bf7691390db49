package dev.replicagroup.replica.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;

/**
 * What the clients of one load run did, gathered while they run and turned into a {@link LoadReport} at the end.
 * The run's measured window ends when the load is told to stop (the first client to see it records when), not
 * when the last write in flight returns: a write still retrying then is part of an outage, not of the load.
 */
final class Tally {
    private final long start;
    private final boolean keepHistory;
    private final boolean trackAcknowledged;
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<String> latestKeys;
    private final List<OpRecord> history = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> writeCompletions = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong writeErrors = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong readErrors = new AtomicLong();
    private final AtomicLong stoppedAt = new AtomicLong(Long.MAX_VALUE);

    /**
     * {@code trackAcknowledged}: keep every acknowledged write for a read-back, which needs each key written
     * once (the unique workload).
     */
    Tally(long start, int clients, boolean keepHistory, boolean trackAcknowledged) {
        this.start = start;
        this.keepHistory = keepHistory;
        this.trackAcknowledged = trackAcknowledged;
        this.latestKeys = new AtomicReferenceArray<>(clients);
    }

    /** When the measured run started, on {@link System#nanoTime()}. */
    long start() {
        return start;
    }

    boolean going(BooleanSupplier keepGoing) {
        if (stoppedAt.get() != Long.MAX_VALUE) {
            return false;
        }
        if (keepGoing.getAsBoolean()) {
            return true;
        }
        stop();
        return false;
    }

    void stop() {
        stoppedAt.accumulateAndGet(System.nanoTime(), Math::min);
    }

    /** The key client {@code id} last had acknowledged, or null. */
    String latestKey(int id) {
        return latestKeys.get(id);
    }

    void wrote(int id, String key, String value, OpRecord.Outcome outcome, long invoked, long completed) {
        boolean ok = outcome == OpRecord.Outcome.OK;
        if (ok) {
            if (trackAcknowledged) {
                acknowledged.put(key, value);
            }
            latestKeys.set(id, key);
            latencies.add((completed - invoked) / 1000);
            writeCompletions.add(completed);
        } else {
            writeErrors.incrementAndGet();
        }
        record(id, OpRecord.WRITE, key, value, outcome, invoked, completed);
    }

    void read(int id, String key, String value, OpRecord.Outcome outcome, long invoked, long completed) {
        (outcome == OpRecord.Outcome.OK ? reads : readErrors).incrementAndGet();
        record(id, OpRecord.READ, key, value, outcome, invoked, completed);
    }

    private void record(
            int id, String op, String key, String value, OpRecord.Outcome outcome, long invoked, long completed) {
        if (keepHistory) {
            history.add(new OpRecord(id, op, key, value, outcome, invoked - start, completed - start));
        }
    }

    LoadReport report() {
        long end = Math.min(stoppedAt.get(), System.nanoTime());
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] acks = writeCompletions.stream()
                .mapToLong(Long::longValue)
                .filter(t -> t <= end)
                .sorted()
                .toArray();
        return new LoadReport(
                sorted.length,
                writeErrors.get(),
                reads.get(),
                readErrors.get(),
                Duration.ofNanos(end - start),
                percentile(sorted, 0.50),
                percentile(sorted, 0.99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1],
                longestPause(acks, end),
                Duration.ofNanos(end - (acks.length == 0 ? start : acks[acks.length - 1])),
                Map.copyOf(acknowledged),
                List.copyOf(history),
                start);
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    /** The longest stretch without an acknowledged write, the one from the last acknowledgement to the end included. */
    private Duration longestPause(long[] acks, long end) {
        long previous = start;
        long longest = 0;
        for (long t : acks) {
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        return Duration.ofNanos(Math.max(longest, end - previous));
    }
}
