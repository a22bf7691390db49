package dev.replicagroup.e2e.support;

/** One endpoint of a Service as its EndpointSlices list it: the pod it points at, its address, readiness. */
public record Endpoint(String pod, String address, boolean ready) {}
