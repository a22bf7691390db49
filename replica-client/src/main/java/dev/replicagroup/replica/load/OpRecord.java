package dev.replicagroup.replica.load;

/** One operation of a load run, for the history file: times on one monotonic clock, in ns from the run's start. */
public record OpRecord(String op, String key, String value, boolean ok, long invokeNs, long completeNs) {}
