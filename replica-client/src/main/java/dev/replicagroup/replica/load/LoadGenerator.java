package dev.replicagroup.replica.load;

import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.status.ReplicaException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Writes distinct keys through the client library from {@code clients} concurrent clients until told to
 * stop, surviving failovers (a write that fails after the client's deadline counts as an error and the
 * client goes on), and keeps every acknowledged write so that a later read can prove none was lost. A share
 * {@code readRatio} of the operations are reads of the key some client (chosen at random) last had
 * acknowledged: a read that misses it is stale ({@link StaleReads} decides from the history).
 */
public final class LoadGenerator {
    private final List<String> servers;
    private final ClientOptions options;
    private final int clients;
    private final double readRatio;
    private final boolean keepHistory;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    /** Writes only. */
    public LoadGenerator(List<String> servers, ClientOptions options, int clients, boolean keepHistory) {
        this(servers, options, clients, 0, keepHistory);
    }

    public LoadGenerator(
            List<String> servers, ClientOptions options, int clients, double readRatio, boolean keepHistory) {
        if (clients < 1) {
            throw new IllegalArgumentException("--clients must be at least 1, got " + clients);
        }
        if (!(readRatio >= 0 && readRatio < 1)) {
            throw new IllegalArgumentException("--read-ratio must be in [0, 1), got " + readRatio);
        }
        this.servers = servers;
        this.options = options;
        this.clients = clients;
        this.readRatio = readRatio;
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
        Thread runner = new Thread(
                () -> {
                    try {
                        load.report.complete(run(load.going::get));
                    } catch (InterruptedException | RuntimeException e) {
                        load.report.completeExceptionally(e);
                    }
                },
                "load-" + run);
        runner.setDaemon(true);
        runner.start();
        return load;
    }

    /** Runs while {@code keepGoing} says so. */
    public LoadReport run(BooleanSupplier keepGoing) throws InterruptedException {
        Tally tally = new Tally(System.nanoTime(), clients, keepHistory);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            workers.add(pool.submit(() -> {
                try (ReplicaClient client = ReplicaClient.connect(servers, options)) {
                    for (long n = 0; tally.going(keepGoing); n++) {
                        if (ThreadLocalRandom.current().nextDouble() < readRatio && read(client, tally)) {
                            continue;
                        }
                        write(client, id, n, tally);
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
            tally.stop();
            pool.shutdownNow();
        }
        return tally.report();
    }

    private void write(ReplicaClient client, int id, long n, Tally tally) {
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
        tally.wrote(id, key, value, ok, invoked, System.nanoTime());
    }

    /** Reads the key a random client last had acknowledged; false if none has one yet (nothing to read). */
    private boolean read(ReplicaClient client, Tally tally) {
        String key = tally.latestKey(ThreadLocalRandom.current().nextInt(clients));
        if (key == null) {
            return false;
        }
        long invoked = System.nanoTime();
        String value = null;
        boolean ok;
        try {
            value = client.get(List.of(key))
                    .get(key)
                    .map(v -> new String(v, StandardCharsets.UTF_8))
                    .orElse(null);
            ok = true;
        } catch (ReplicaException e) {
            ok = false;
        }
        tally.read(key, value, ok, invoked, System.nanoTime());
        return true;
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
                    if (value.isEmpty()
                            || !new String(value.get(), StandardCharsets.UTF_8).equals(acknowledged.get(key))) {
                        lost.add(key);
                    }
                });
            }
        }
        Collections.sort(lost);
        return lost;
    }
}
