package dev.replicagroup.replica.core;

/** An entry that reached the applied state, with its result. */
public record Applied(Entry entry, WriteResult result) {}
