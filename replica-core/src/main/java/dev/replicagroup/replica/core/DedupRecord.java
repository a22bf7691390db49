package dev.replicagroup.replica.core;

/** The last write a client made and its result. */
public record DedupRecord(String clientId, long requestSeq, WriteResult result) {}
