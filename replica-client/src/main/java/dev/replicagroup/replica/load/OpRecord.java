package dev.replicagroup.replica.load;

/**
 * One operation of a load run, for the history: which client did it, on which key, a "write" of {@code value} or
 * a "read" that returned {@code value} (null: the key was absent), its times on one monotonic clock in ns from the
 * run's start, and its outcome.
 */
public record OpRecord(
        int client, String op, String key, String value, Outcome outcome, long invokeNs, long completeNs) {

    public static final String WRITE = "write";
    public static final String READ = "read";

    /** What the client learnt about the operation. */
    public enum Outcome {
        /** Done: a write acknowledged, a read answered. */
        OK,
        /** Refused by every replica the client asked before any acted on it: certainly not applied. */
        FAIL,
        /** The client gave up (timeouts, unavailable after its retries): a write may have been applied, or may be. */
        UNKNOWN;

        static Outcome of(dev.replicagroup.replica.status.ReplicaException failure) {
            return failure.notApplied() ? FAIL : UNKNOWN;
        }
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    public boolean isWrite() {
        return op.equals(WRITE);
    }
}
