package dev.replicagroup.replica.core;

/** The outcome of an applied write, remembered for deduplication. */
public record WriteResult(long term, long seq, boolean existed) {}
