package dev.replicagroup.replica.load;

import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.replication.ReplicaException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Writes distinct keys through the client library from {@code clients} concurrent clients until told to
 * stop, surviving failovers (a write that fails after the client's deadline counts as an error and the
 * client goes on), and keeps every acknowledged write so that a later read can prove none was lost.
 */
public final class LoadGenerator {
    private final List<String> servers;
    private final ClientOptions options;
    private final int clients;
    private final boolean keepHistory;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    public LoadGenerator(List<String> servers, ClientOptions options, int clients, boolean keepHistory) {
        if (clients < 1) {
            throw new IllegalArgumentException("--clients must be at least 1, got " + clients);
        }
        this.servers = servers;
        this.options = options;
        this.clients = clients;
        this.keepHistory = keepHistory;
    }

    /** Runs for {@code duration}. */
    public LoadReport run(Duration duration) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        return run(() -> System.nanoTime() < end);
    }

    /** A load running in the background until {@link #stop()} (or {@link #close()}, which does not wait). */
    public static final class Running implements AutoCloseable {
        /** Each client finishes its write in flight, which retries at most for the client's deadline. */
        private static final Duration STOP_WITHIN = Duration.ofMinutes(2);

        private final AtomicBoolean going = new AtomicBoolean(true);
        private final CompletableFuture<LoadReport> report = new CompletableFuture<>();

        /** Stops the clients and returns what they did. */
        public LoadReport stop() {
            close();
            try {
                return report.get(STOP_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the load", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("the load did not stop within " + STOP_WITHIN + ": " + e, e);
            }
        }

        @Override
        public void close() {
            going.set(false);
        }
    }

    /** Starts writing in the background. */
    public Running start() {
        Running load = new Running();
        Thread runner = new Thread(() -> {
            try {
                load.report.complete(run(load.going::get));
            } catch (InterruptedException | RuntimeException e) {
                load.report.completeExceptionally(e);
            }
        }, "load-" + run);
        runner.setDaemon(true);
        runner.start();
        return load;
    }

    /** Runs while {@code keepGoing} says so. */
    public LoadReport run(BooleanSupplier keepGoing) throws InterruptedException {
        long start = System.nanoTime();
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        List<OpRecord> history = Collections.synchronizedList(new ArrayList<>());
        List<long[]> completions = Collections.synchronizedList(new ArrayList<>());
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        long[] errors = new long[clients];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            workers.add(pool.submit(() -> {
                try (ReplicaClient client = ReplicaClient.connect(servers, options)) {
                    for (long n = 0; !stop.get() && keepGoing.getAsBoolean(); n++) {
                        String key = "load-" + run + "-" + id + "-" + n;
                        String value = "v" + n;
                        long invoked = System.nanoTime();
                        boolean ok;
                        try {
                            client.put(key, value.getBytes(StandardCharsets.UTF_8));
                            ok = true;
                        } catch (ReplicaException e) {
                            ok = false;
                        }
                        long completed = System.nanoTime();
                        if (ok) {
                            acknowledged.put(key, value);
                            latencies.add((completed - invoked) / 1000);
                            completions.add(new long[] {completed});
                        } else {
                            errors[id]++;
                        }
                        if (keepHistory) {
                            history.add(new OpRecord("put", key, value, ok, invoked - start, completed - start));
                        }
                    }
                }
                return null;
            }));
        }
        try {
            for (Future<?> worker : workers) {
                worker.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a load client failed: " + e.getCause(), e.getCause());
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        long elapsed = System.nanoTime() - start;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new LoadReport(sorted.size(), java.util.Arrays.stream(errors).sum(), Duration.ofNanos(elapsed),
                percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1),
                longestPause(start, start + elapsed, completions), Map.copyOf(acknowledged), List.copyOf(history),
                start);
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }

    private static Duration longestPause(long start, long end, List<long[]> completions) {
        List<Long> times = new ArrayList<>(completions.stream().map(c -> c[0]).toList());
        Collections.sort(times);
        long previous = start;
        long longest = 0;
        for (long t : times) {
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        return Duration.ofNanos(Math.max(longest, times.isEmpty() ? end - start : 0));
    }

    /** Reads every acknowledged key back; returns the keys whose value is missing or wrong. */
    public static List<String> lostWrites(List<String> servers, ClientOptions options, Map<String, String> acknowledged)
            throws ReplicaException {
        List<String> lost = new ArrayList<>();
        List<String> keys = new ArrayList<>(acknowledged.keySet());
        try (ReplicaClient client = ReplicaClient.connect(servers, options)) {
            for (int i = 0; i < keys.size(); i += 500) {
                List<String> batch = keys.subList(i, Math.min(keys.size(), i + 500));
                client.get(batch).forEach((key, value) -> {
                    if (value.isEmpty() || !new String(value.get(), StandardCharsets.UTF_8).equals(acknowledged.get(key))) {
                        lost.add(key);
                    }
                });
            }
        }
        Collections.sort(lost);
        return lost;
    }
}
