package dev.replicagroup.replica.server;

import dev.replicagroup.replica.storage.FsyncPolicy;
import java.nio.file.Path;

/**
 * Where a replica keeps its state.
 *
 * @param dataDir       the data directory ({@code --data-dir}); null to keep everything in memory
 * @param fsync         when the log is forced to disk ({@code --fsync})
 * @param snapshotEvery applied entries between snapshots ({@code --snapshot-every}); the log before a snapshot is
 *                      deleted
 */
public record StorageOptions(Path dataDir, FsyncPolicy fsync, long snapshotEvery) {
    public static final long DEFAULT_SNAPSHOT_EVERY = 100_000;

    public StorageOptions {
        if (snapshotEvery < 1) {
            throw new IllegalArgumentException("--snapshot-every must be at least 1, got " + snapshotEvery);
        }
    }

    public static StorageOptions inMemory() {
        return new StorageOptions(null, FsyncPolicy.BATCH, DEFAULT_SNAPSHOT_EVERY);
    }

    public static StorageOptions onDisk(Path dataDir, FsyncPolicy fsync) {
        return new StorageOptions(dataDir, fsync, DEFAULT_SNAPSHOT_EVERY);
    }

    public boolean durable() {
        return dataDir != null;
    }
}
