package dev.replicagroup.replica.storage;

import dev.replicagroup.replica.core.DurableChanges;
import dev.replicagroup.replica.core.Snapshot;
import java.io.IOException;

/**
 * Where a replica's driver makes its state durable: it calls {@link #persist} with each Ready's changes before it
 * sends that Ready's messages or answers any write. An {@link IOException} means nothing of those changes may be
 * relied on: the driver sends nothing and hands the same changes again next time.
 */
public interface ReplicaStorage extends AutoCloseable {

    /** Makes the changes durable (fsynced as {@link FsyncPolicy} says) before it returns. */
    void persist(DurableChanges changes) throws IOException;

    /**
     * Writes a snapshot of the applied state and deletes what it makes redundant (older snapshots, log segments
     * wholly below it). May run on another thread than {@link #persist}.
     */
    void compact(Snapshot snapshot) throws IOException;

    /** How many times the log was forced to disk (fsync) so far: with {@link #entriesWritten}, writes per fsync. */
    default long logSyncs() {
        return 0;
    }

    /** How many log entries were written so far. */
    default long entriesWritten() {
        return 0;
    }

    /** Whether anything survives the process: false for the in-memory replica. */
    boolean durable();

    /** Where the state lives, for messages ("memory only" or the directory). */
    String location();

    @Override
    void close() throws IOException;
}
