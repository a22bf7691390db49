package dev.replicagroup.replica.storage;

import java.nio.file.Path;
import java.util.Arrays;

/** One segment file of the log: the seqs it holds and the byte offset of each record in it. */
final class Segment {
    final Path path;
    final long firstSeq;
    /** The end of the last whole record: where the next one goes. */
    long size;

    private long[] offsets = new long[64];
    private int count;

    Segment(Path path, long firstSeq, long size) {
        this.path = path;
        this.firstSeq = firstSeq;
        this.size = size;
    }

    /** The last seq it holds; {@code firstSeq - 1} while it holds none. */
    long lastSeq() {
        return firstSeq + count - 1;
    }

    boolean isEmpty() {
        return count == 0;
    }

    void added(long offset, long end) {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
        }
        offsets[count++] = offset;
        size = end;
    }

    /** The byte offset of the record of {@code seq}. */
    long offsetOf(long seq) {
        return offsets[(int) (seq - firstSeq)];
    }

    /** Forgets the records from {@code seq} on: the file is cut at {@link #size}. */
    void cutFrom(long seq) {
        int keep = (int) (seq - firstSeq);
        size = offsetOf(seq);
        count = keep;
    }
}
