package dev.replicagroup.replica.status;

/**
 * A request the replica could not carry out, with what the caller needs to act on it: the reason, and for
 * redirects the term and primary this replica knows of.
 */
public final class ReplicaException extends Exception {

    public enum Reason {
        /** This replica does not take writes; go to {@link #primary()}. */
        NOT_PRIMARY,
        /** The write was not acknowledged within its deadline (too few helpers acked). Safe to retry. */
        NOT_ACKNOWLEDGED,
        /** This replica stopped being primary before the write was acknowledged. Safe to retry elsewhere. */
        LOST_PRIMACY,
        /** The primary holds no lease (cut off from its helpers) or waits out its hold-off. Retry shortly. */
        NOT_SERVING,
        /** The sender's term is older than this replica's. */
        STALE_TERM,
        /** Bad input; retrying the same request will fail again. */
        INVALID,
        /** An admin command the replica refused (a term rule). */
        REFUSED,
        /** The replica could not be reached. */
        UNREACHABLE
    }

    private final Reason reason;
    private final long term;
    private final String primary;
    private final boolean notApplied;

    public ReplicaException(Reason reason, String message, long term, String primary) {
        this(reason, message, term, primary, false);
    }

    /** {@code notApplied}: see {@link #notApplied()}. */
    public ReplicaException(Reason reason, String message, long term, String primary, boolean notApplied) {
        super(message);
        this.reason = reason;
        this.term = term;
        this.primary = primary == null ? "" : primary;
        this.notApplied = notApplied;
    }

    public static ReplicaException of(Reason reason, String message) {
        return new ReplicaException(reason, message, 0, "");
    }

    public Reason reason() {
        return reason;
    }

    public long term() {
        return term;
    }

    public String primary() {
        return primary;
    }

    /**
     * Whether the request is known not to have taken effect: every attempt the client made was refused before
     * the replica acted on it. False when its fate is unknown (an attempt timed out, or a write was appended but
     * not acknowledged): it may have been applied, or may still be.
     */
    public boolean notApplied() {
        return notApplied;
    }

    /** Whether the same request may succeed if sent again (here or to another replica). */
    public boolean retryable() {
        return reason != Reason.INVALID && reason != Reason.REFUSED;
    }
}
