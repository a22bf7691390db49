package dev.replicagroup.replica.core;

/** The identity of a client write: a retried write carries the same id and applies once. */
public record WriteId(String clientId, long requestSeq) {
    public static final WriteId NONE = new WriteId("", 0);
}
