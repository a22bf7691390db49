package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.ReplicaState;
import dev.replicagroup.replica.core.Snapshot;
import dev.replicagroup.replica.storage.ReplicaStorage;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The periodic snapshot: every {@code every} applied entries, a copy of the applied state is written on a thread
 * of its own (the engine goes on) and the log segments it covers are deleted. One at a time: while one is being
 * written, the next waits for the following period.
 */
final class Snapshots implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Snapshots.class);

    private final ReplicaStorage storage;
    private final long every;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "replica-snapshot");
        t.setDaemon(true);
        return t;
    });
    private long lastSeq;
    private volatile boolean writing;

    Snapshots(ReplicaStorage storage, long every, long appliedSeq) {
        if (every < 1) {
            throw new IllegalArgumentException("--snapshot-every must be at least 1, got " + every);
        }
        this.storage = storage;
        this.every = every;
        this.lastSeq = appliedSeq;
    }

    /** Called on the engine thread after a batch was made durable. */
    void applied(ReplicaState state) {
        if (!storage.durable() || writing || state.appliedSeq() - lastSeq < every) {
            return;
        }
        Snapshot snapshot = state.snapshot();
        lastSeq = snapshot.lastIncluded().seq();
        writing = true;
        try {
            writer.execute(() -> write(snapshot));
        } catch (RejectedExecutionException e) {
            writing = false;
        }
    }

    private void write(Snapshot snapshot) {
        try {
            storage.compact(snapshot);
            LOG.debugf("snapshot at %s written to %s", snapshot.lastIncluded(), storage.location());
        } catch (IOException e) {
            LOG.warnf(
                    "cannot write the snapshot at %s to %s: %s; the log keeps growing until a snapshot succeeds",
                    snapshot.lastIncluded(), storage.location(), e.getMessage());
        } finally {
            writing = false;
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
