package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.Operation;
import dev.replicagroup.replica.core.WriteId;
import dev.replicagroup.replica.status.ReplicaException;
import dev.replicagroup.replica.status.ReplicaException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One client of {@link FailoverChaosTest} on {@link InMemoryNetwork}: it writes distinct keys one at a time,
 * retrying each with the same id as the client library does, and finds the primary as the library does, from
 * the replicas' redirects (no view of the group from outside the network), so a link cut between it and a
 * replica costs it what it would cost a real client. It records what became of each write and when each
 * attempt was answered.
 */
final class ChaosClient implements AutoCloseable {
    /** What the client knows of a write it finished with: as {@code load}'s history records it. */
    enum Outcome {
        /** Acknowledged: it must survive every failover. */
        OK,
        /** Every attempt was refused before a replica acted on it, or never arrived: it must be nowhere. */
        NOT_APPLIED,
        /** It may have been applied (an attempt timed out or its reply was lost). */
        UNKNOWN
    }

    record Write(String key, Outcome outcome) {}

    /** How long one write is retried before the client gives up on it and writes the next key. */
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final String address;
    private final InMemoryNetwork network;
    private final List<String> replicas;
    private final List<Write> writes = new ArrayList<>();
    private final List<Long> acknowledgedAt = new ArrayList<>();
    private final List<Long> failedAt = new ArrayList<>();
    private final Thread thread;
    private volatile boolean going = true;
    private String target;

    ChaosClient(String address, InMemoryNetwork network, List<String> replicas) {
        this.address = address;
        this.network = network;
        this.replicas = replicas;
        this.target = replicas.get(0);
        this.thread = new Thread(this::run, address);
        thread.setDaemon(true);
        thread.start();
    }

    String address() {
        return address;
    }

    private void run() {
        for (long seq = 1; going; seq++) {
            String key = address + "-" + seq;
            Outcome outcome = write(new WriteId(address, seq), key);
            synchronized (this) {
                writes.add(new Write(key, outcome));
            }
        }
    }

    private Outcome write(WriteId id, String key) {
        Operation put = new Operation.Put(key, key.getBytes(StandardCharsets.UTF_8));
        boolean mayHaveApplied = false;
        long giveUp = System.nanoTime() + GIVE_UP_NANOS;
        while (going && System.nanoTime() < giveUp) {
            ReplicaException failure;
            try {
                long at = network.write(address, target, id, put)
                        .get(1, TimeUnit.SECONDS)
                        .atNanos();
                synchronized (this) {
                    acknowledgedAt.add(at);
                }
                return Outcome.OK;
            } catch (ExecutionException e) {
                failure = e.getCause() instanceof ReplicaException re
                        ? re
                        : ReplicaException.of(Reason.UNREACHABLE, String.valueOf(e.getCause()));
            } catch (TimeoutException e) {
                failure = ReplicaException.of(Reason.UNREACHABLE, "no answer within 1 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Outcome.UNKNOWN;
            }
            synchronized (this) {
                failedAt.add(System.nanoTime());
            }
            mayHaveApplied |= !refusedOutright(failure);
            target = next(failure);
            FailoverChaosTest.sleep(10);
        }
        return mayHaveApplied ? Outcome.UNKNOWN : Outcome.NOT_APPLIED;
    }

    /** As the client library's Retries: these answers come from a replica that did not act on the request. */
    private static boolean refusedOutright(ReplicaException failure) {
        return failure.notApplied()
                || switch (failure.reason()) {
                    case NOT_PRIMARY, NOT_SERVING, STALE_TERM, INVALID, REFUSED -> true;
                    case NOT_ACKNOWLEDGED, LOST_PRIMACY, UNREACHABLE -> false;
                };
    }

    /** The primary a redirect names, else the next replica. */
    private String next(ReplicaException failure) {
        if (failure.reason() == Reason.NOT_PRIMARY
                && !failure.primary().isEmpty()
                && !failure.primary().equals(target)) {
            return failure.primary();
        }
        return replicas.get((replicas.indexOf(target) + 1) % replicas.size());
    }

    synchronized List<Write> writes() {
        return List.copyOf(writes);
    }

    /** Acknowledgements whose reply crossed the network in [from, to]. */
    synchronized long acknowledgedBetween(long from, long to) {
        return acknowledgedAt.stream().filter(t -> t >= from && t <= to).count();
    }

    synchronized long acknowledgedSince(long nanos) {
        return acknowledgedBetween(nanos, Long.MAX_VALUE);
    }

    synchronized long failedSince(long nanos) {
        return failedAt.stream().filter(t -> t >= nanos).count();
    }

    /** Stops after the write in flight. */
    @Override
    public void close() {
        going = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
