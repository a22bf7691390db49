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
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<String> latestKeys;
    private final List<OpRecord> history = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> writeCompletions = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong writeErrors = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong readErrors = new AtomicLong();
    private final AtomicLong stoppedAt = new AtomicLong(Long.MAX_VALUE);

    Tally(long start, int clients, boolean keepHistory) {
        this.start = start;
        this.keepHistory = keepHistory;
        this.latestKeys = new AtomicReferenceArray<>(clients);
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

    void wrote(int id, String key, String value, boolean ok, long invoked, long completed) {
        if (ok) {
            acknowledged.put(key, value);
            latestKeys.set(id, key);
            latencies.add((completed - invoked) / 1000);
            writeCompletions.add(completed);
        } else {
            writeErrors.incrementAndGet();
        }
        record("put", key, value, ok, invoked, completed);
    }

    void read(String key, String value, boolean ok, long invoked, long completed) {
        (ok ? reads : readErrors).incrementAndGet();
        record("get", key, value, ok, invoked, completed);
    }

    private void record(String op, String key, String value, boolean ok, long invoked, long completed) {
        if (keepHistory) {
            history.add(new OpRecord(op, key, value, ok, invoked - start, completed - start));
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
