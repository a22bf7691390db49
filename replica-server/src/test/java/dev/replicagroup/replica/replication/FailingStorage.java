package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.DurableChanges;
import dev.replicagroup.replica.core.Entry;
import dev.replicagroup.replica.core.Snapshot;
import dev.replicagroup.replica.storage.ReplicaStorage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A storage double: keeps the log it was given as a disk would, and fails every persist with {@link #failWith}'s
 * error until {@link #heal}, as a full disk does until space returns.
 */
final class FailingStorage implements ReplicaStorage {
    private final List<Entry> log = new ArrayList<>();
    private volatile IOException failure;

    void failWith(IOException e) {
        failure = e;
    }

    void heal() {
        failure = null;
    }

    /** The entries made durable so far. */
    synchronized List<Entry> durableLog() {
        return List.copyOf(log);
    }

    @Override
    public synchronized void persist(DurableChanges changes) throws IOException {
        IOException e = failure;
        if (e != null) {
            throw e;
        }
        if (changes.fromSeq() > 0) {
            log.removeIf(entry -> entry.seq() >= changes.fromSeq());
            log.addAll(changes.entries());
        }
    }

    @Override
    public void compact(Snapshot snapshot) {}

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public String location() {
        return "/data";
    }

    @Override
    public void close() {}
}
