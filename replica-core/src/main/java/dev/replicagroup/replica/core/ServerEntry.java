package dev.replicagroup.replica.core;

/** One line of the Active List. */
public record ServerEntry(String address, Role role, int liveness) {}
