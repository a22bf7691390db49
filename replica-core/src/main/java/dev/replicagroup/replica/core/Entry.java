package dev.replicagroup.replica.core;

/** One ordered update: the primary of {@code term} gave it sequence number {@code seq}. */
public record Entry(long term, long seq, WriteId id, Operation op) {
    public LogPosition position() {
        return new LogPosition(term, seq);
    }
}
