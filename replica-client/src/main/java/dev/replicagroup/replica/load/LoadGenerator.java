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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;
import java.util.stream.IntStream;

/**
 * Runs a {@link Workload} through the client library from {@code clients} concurrent clients until told to stop,
 * surviving failovers (an operation that fails after the client's deadline is recorded as failed or unknown and
 * the client goes on). A share {@code readRatio} of the operations are reads.
 *
 * <p>{@link Workload#UNIQUE}: every write to a key of its own, every acknowledged one kept so that a later read can
 * prove none was lost; a read asks for the key some client (chosen at random) last had acknowledged, and one that
 * misses it is stale ({@link StaleReads} decides from the history).
 *
 * <p>{@link Workload#REGISTER}: {@code keys} keys shared by every client, each write a value unique in the run,
 * reads of a random key; the history (every operation with its outcome) is what {@link LinearizabilityCheck}
 * checks, after {@link #readBack} added a read of each key once the group is stable.
 */
public final class LoadGenerator {
    /** The client id of {@link #readBack}'s reads in the history (the load's clients are 0 to clients - 1). */
    public static final int READ_BACK_CLIENT = -1;

    private final List<String> servers;
    private final ClientOptions options;
    private final int clients;
    private final double readRatio;
    private final boolean keepHistory;
    private final Workload workload;
    private final List<String> registers;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    /** Writes only. */
    public LoadGenerator(List<String> servers, ClientOptions options, int clients, boolean keepHistory) {
        this(servers, options, clients, 0, keepHistory);
    }

    /** The unique workload. */
    public LoadGenerator(
            List<String> servers, ClientOptions options, int clients, double readRatio, boolean keepHistory) {
        this(servers, options, clients, readRatio, keepHistory, Workload.UNIQUE, 0);
    }

    private LoadGenerator(
            List<String> servers,
            ClientOptions options,
            int clients,
            double readRatio,
            boolean keepHistory,
            Workload workload,
            int keys) {
        if (clients < 1) {
            throw new IllegalArgumentException("--clients must be at least 1, got " + clients);
        }
        if (!(readRatio >= 0 && readRatio < 1)) {
            throw new IllegalArgumentException("--read-ratio must be in [0, 1), got " + readRatio);
        }
        if (workload == Workload.REGISTER && keys < 1) {
            throw new IllegalArgumentException("--keys must be at least 1 for the register workload, got " + keys);
        }
        this.servers = servers;
        this.options = options;
        this.clients = clients;
        this.readRatio = readRatio;
        this.keepHistory = keepHistory;
        this.workload = workload;
        this.registers = IntStream.range(0, keys)
                .mapToObj(k -> "register-" + run + "-" + k)
                .toList();
    }

    /** The register workload on {@code keys} keys (its history is always kept: it is what gets checked). */
    public static LoadGenerator registers(
            List<String> servers, ClientOptions options, int clients, double readRatio, int keys) {
        return new LoadGenerator(servers, options, clients, readRatio, true, Workload.REGISTER, keys);
    }

    /**
     * Writes for {@code warmup} (not counted: the JIT, the connections to the primary), then runs for {@code
     * duration}; both clocks start once every client has connected.
     */
    public LoadReport run(Duration warmup, Duration duration) throws InterruptedException {
        long length = duration.toNanos();
        return run(warmup, elapsed -> elapsed < length);
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
                        load.report.complete(run(Duration.ZERO, elapsed -> load.going.get()));
                    } catch (InterruptedException | RuntimeException e) {
                        load.report.completeExceptionally(e);
                    }
                },
                "load-" + run);
        runner.setDaemon(true);
        runner.start();
        return load;
    }

    /**
     * Connects every client, lets them write keys of their own for {@code warmup}, then runs while {@code
     * keepGoing} says so of the nanoseconds since the measured run started.
     */
    private LoadReport run(Duration warmup, LongPredicate keepGoing) throws InterruptedException {
        CountDownLatch connected = new CountDownLatch(clients);
        CompletableFuture<Tally> measured = new CompletableFuture<>();
        boolean warming = !warmup.isZero();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            workers.add(pool.submit(() -> {
                ReplicaClient connecting;
                try {
                    connecting = ReplicaClient.connect(servers, options);
                } finally {
                    connected.countDown();
                }
                try (ReplicaClient client = connecting) {
                    for (long n = 0; warming && !measured.isDone(); n++) {
                        warmUp(client, "load-" + run + "-warmup-" + id + "-" + n);
                    }
                    Tally tally = measured.join();
                    BooleanSupplier going = () -> keepGoing.test(System.nanoTime() - tally.start());
                    for (long n = 0; tally.going(going); n++) {
                        boolean reading = ThreadLocalRandom.current().nextDouble() < readRatio;
                        if (workload == Workload.REGISTER) {
                            String key =
                                    registers.get(ThreadLocalRandom.current().nextInt(registers.size()));
                            if (reading) {
                                read(client, id, key, tally);
                            } else {
                                write(client, id, key, "c" + id + "-" + n, tally);
                            }
                            continue;
                        }
                        String latest =
                                tally.latestKey(ThreadLocalRandom.current().nextInt(clients));
                        if (reading && latest != null) {
                            read(client, id, latest, tally);
                        } else {
                            write(client, id, "load-" + run + "-" + id + "-" + n, "v" + n, tally);
                        }
                    }
                }
                return null;
            }));
        }
        Tally tally;
        try {
            connected.await();
            Thread.sleep(warmup.toMillis());
            tally = new Tally(System.nanoTime(), clients, keepHistory, workload == Workload.UNIQUE);
            measured.complete(tally);
        } catch (InterruptedException e) {
            pool.shutdownNow();
            throw e;
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

    /** A write of the warm-up: on a key no check reads, its outcome not counted. */
    private static void warmUp(ReplicaClient client, String key) {
        try {
            client.put(key, new byte[] {1});
        } catch (ReplicaException e) {
            // Not counted, like the warm-up's successes.
        }
    }

    private static void write(ReplicaClient client, int id, String key, String value, Tally tally) {
        long invoked = System.nanoTime();
        OpRecord.Outcome outcome;
        try {
            client.put(key, value.getBytes(StandardCharsets.UTF_8));
            outcome = OpRecord.Outcome.OK;
        } catch (ReplicaException e) {
            outcome = OpRecord.Outcome.of(e);
        }
        tally.wrote(id, key, value, outcome, invoked, System.nanoTime());
    }

    private static void read(ReplicaClient client, int id, String key, Tally tally) {
        Read read = Read.of(client, key);
        tally.read(id, key, read.value, read.outcome, read.invoked, read.completed);
    }

    /** One read of one key, its times absolute (System.nanoTime). */
    private record Read(String value, OpRecord.Outcome outcome, long invoked, long completed) {
        static Read of(ReplicaClient client, String key) {
            long invoked = System.nanoTime();
            try {
                String value = client.get(List.of(key))
                        .get(key)
                        .map(v -> new String(v, StandardCharsets.UTF_8))
                        .orElse(null);
                return new Read(value, OpRecord.Outcome.OK, invoked, System.nanoTime());
            } catch (ReplicaException e) {
                return new Read(null, OpRecord.Outcome.of(e), invoked, System.nanoTime());
            }
        }
    }

    /**
     * One read of every key the run's history touched, by a client of its own ({@link #READ_BACK_CLIENT}) once
     * the load has stopped, on the history's clock: a write acknowledged in the run but lost since makes the
     * history non-linearizable. Returns the report with these reads added to its history.
     */
    public static LoadReport readBack(List<String> servers, ClientOptions options, LoadReport report) {
        List<OpRecord> reads = new ArrayList<>();
        try (ReplicaClient client = ReplicaClient.connect(servers, options)) {
            for (String key : report.history().stream()
                    .map(OpRecord::key)
                    .distinct()
                    .sorted()
                    .toList()) {
                Read read = Read.of(client, key);
                reads.add(new OpRecord(
                        READ_BACK_CLIENT,
                        OpRecord.READ,
                        key,
                        read.value,
                        read.outcome,
                        read.invoked - report.startNanos(),
                        read.completed - report.startNanos()));
            }
        }
        return report.withMore(reads);
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
