package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.Applied;
import dev.replicagroup.replica.core.ReplicaState;
import dev.replicagroup.replica.core.WriteResult;
import dev.replicagroup.replica.status.ReplicaException;
import dev.replicagroup.replica.status.ReplicaException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The writes a primary accepted and has not answered yet, by the seq of their entry: each is answered with its
 * result once its entry is applied in the term it was proposed in, or fails when this replica loses its primacy
 * first or the write timeout passes. Used on {@link ReplicaNode}'s engine thread only.
 */
final class WaitingWrites {
    private record Waiter(long term, CompletableFuture<WriteResult> result) {}

    private final ReplicaState state;
    private final Duration writeTimeout;
    private final Map<Long, List<Waiter>> waiters = new HashMap<>();

    WaitingWrites(ReplicaState state, Duration writeTimeout) {
        this.state = state;
        this.writeTimeout = writeTimeout;
    }

    /** Waits for entry (term, seq); the returned action, run when the write timeout passes, gives up on it. */
    Runnable add(long term, long seq, CompletableFuture<WriteResult> result) {
        Waiter waiter = new Waiter(term, result);
        waiters.computeIfAbsent(seq, s -> new ArrayList<>()).add(waiter);
        return () -> {
            List<Waiter> waiting = waiters.get(seq);
            if (waiting != null && waiting.remove(waiter) && waiting.isEmpty()) {
                waiters.remove(seq);
            }
            result.completeExceptionally(notAcknowledged(term, seq));
        };
    }

    /** An entry was applied: its writers get the result, or, if it is another term's entry, a lost primacy. */
    void applied(Applied applied) {
        List<Waiter> waiting = waiters.remove(applied.entry().seq());
        if (waiting != null) {
            for (Waiter w : waiting) {
                if (w.term() == applied.entry().term()) {
                    w.result().complete(applied.result());
                } else {
                    w.result().completeExceptionally(lostPrimacy());
                }
            }
        }
    }

    /** This replica is no longer primary: nothing it waits for will be answered by it. */
    void primacyLost() {
        failAll(this::lostPrimacy);
    }

    /** Fails every waiting write, each with a failure of its own. */
    void failAll(Supplier<ReplicaException> failure) {
        waiters.values().forEach(ws -> ws.forEach(w -> w.result().completeExceptionally(failure.get())));
        waiters.clear();
    }

    private ReplicaException notAcknowledged(long term, long seq) {
        long acked = state.helperAcks().values().stream().filter(a -> a >= seq).count();
        return new ReplicaException(
                Reason.NOT_ACKNOWLEDGED,
                String.format(
                        "write (%d, %d) was not acknowledged within %d ms: it needs %d helper ack(s) (--sync-acks) and has %d."
                                + " It may still be applied; retry with the same request id",
                        term, seq, writeTimeout.toMillis(), state.syncAcks(), acked),
                state.term(),
                state.primary());
    }

    private ReplicaException lostPrimacy() {
        return new ReplicaException(
                Reason.LOST_PRIMACY,
                "this replica stopped being primary (now "
                        + state.role() + " in term " + state.term() + ") before the write was acknowledged; retry with"
                        + " the same request id",
                state.term(),
                state.primary());
    }
}
