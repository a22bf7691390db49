package dev.replicagroup.replica.storage;

import java.util.Locale;

/** When the log is forced to disk ({@code --fsync}). */
public enum FsyncPolicy {
    /** After every record: each entry costs one fsync. */
    ALWAYS,
    /** Once per batch the driver hands over (group commit): one fsync covers every write waiting for it. */
    BATCH;

    public static FsyncPolicy parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--fsync '" + text + "' is not one of: always, batch", e);
        }
    }
}
