package dev.replicagroup.replica.service;

/** Where the services report each request: its type, its result (ok or the error reason) and its duration. */
public interface RequestMetrics {
    RequestMetrics NONE = (type, result, nanos) -> {};

    void record(String type, String result, long nanos);
}
