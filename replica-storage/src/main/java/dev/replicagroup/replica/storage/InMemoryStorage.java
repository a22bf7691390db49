package dev.replicagroup.replica.storage;

import dev.replicagroup.replica.core.DurableChanges;
import dev.replicagroup.replica.core.Snapshot;

/** A replica without {@code --data-dir}: nothing is written, everything is lost when the process stops. */
public final class InMemoryStorage implements ReplicaStorage {

    @Override
    public void persist(DurableChanges changes) {}

    @Override
    public void compact(Snapshot snapshot) {}

    @Override
    public boolean durable() {
        return false;
    }

    @Override
    public String location() {
        return "memory only";
    }

    @Override
    public void close() {}
}
