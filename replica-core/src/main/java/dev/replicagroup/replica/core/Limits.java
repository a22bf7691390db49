package dev.replicagroup.replica.core;

/** Documented input limits. A request over them is rejected with a message naming the limit. */
public final class Limits {
    public static final int MAX_KEY_BYTES = 1024;
    public static final int MAX_VALUE_BYTES = 1024 * 1024;

    private Limits() {}
}
