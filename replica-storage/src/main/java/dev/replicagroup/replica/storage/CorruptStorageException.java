package dev.replicagroup.replica.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The data directory holds something recovery must not guess about: a corrupt snapshot, hard state or log record
 * that is not a torn tail. Startup stops here, naming the file and byte offset, rather than drop data silently.
 */
public final class CorruptStorageException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptStorageException(Path file, long offset, String what) {
        super(file + " is corrupt at byte " + offset + ": " + what + ". Nothing was changed; restore the data"
                + " directory from a backup, or move it away and start this replica empty (--no-bootstrap) so that"
                + " it catches up from the primary");
    }
}
