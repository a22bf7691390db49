package dev.replicagroup.replica.core;

import java.util.Comparator;

/** The (term, seq) of a log entry; ordered by term first, then seq, as the promotion rule compares replicas. */
public record LogPosition(long term, long seq) implements Comparable<LogPosition> {
    public static final LogPosition ZERO = new LogPosition(0, 0);

    private static final Comparator<LogPosition> ORDER =
            Comparator.comparingLong(LogPosition::term).thenComparingLong(LogPosition::seq);

    @Override
    public int compareTo(LogPosition other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return "(" + term + ", " + seq + ")";
    }
}
