package dev.replicagroup.replica.client;

import com.google.common.util.concurrent.ListenableFuture;
import dev.replicagroup.replica.grpc.Errors;
import dev.replicagroup.replica.status.ReplicaException;
import dev.replicagroup.replica.status.ReplicaException.Reason;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The retry half of {@link ReplicaClient}: one operation sent to where the group points, and on a retryable
 * failure moved on at once (to the primary a redirect names, or the one the freshest Active List names, or the
 * next server), until the deadline. Where the group points comes from {@link GroupView}.
 */
final class Retries {
    /**
     * How long an attempt runs before the client checks whether the group has moved on without it, and then again
     * every as long: a bound on how long a call to a frozen or cut-off primary outlives the failover (half of it
     * on average). A look costs one GetServers per other server, only while an attempt is this slow. 100 ms did
     * worse on the cluster (SIGSTOP, the clients' share p50 644 ms against 264 at 200): a client that moves on
     * earlier reaches the new primary before it serves, and the NOT_SERVING back-off then holds it longer.
     */
    private static final long LOOK_AROUND_MS = 200;

    private final GroupView group;
    private final ClientOptions options;

    Retries(GroupView group, ClientOptions options) {
        this.group = group;
        this.options = options;
    }

    /**
     * Sends to the primary; on a retryable failure moves on at once: to the primary a redirect names, else to the
     * primary of the freshest Active List, else to the next known server, skipping those that already failed in
     * this operation while the term has not moved (a dead, frozen or deposed primary is not asked again until
     * the group has a new term or every server has failed once, which ends a round with a short back-off).
     * Each attempt is bounded by the attempt timeout, so a frozen server costs one attempt, not the deadline.
     * The failure it ends with says whether the request is known not to have been applied ({@link
     * ReplicaException#notApplied()}): only if every attempt was refused outright.
     */
    <T> T withFailover(Function<String, ListenableFuture<T>> call) throws ReplicaException {
        long deadline = System.nanoTime() + options.deadline().toNanos();
        Attempts attempts = new Attempts();
        String target = group.primary().isEmpty() ? group.bootstrap().get(0) : group.primary();
        while (true) {
            ReplicaException failure;
            long seen = group.pushes();
            try {
                return await(call.apply(target), target);
            } catch (StatusRuntimeException e) {
                failure = Errors.fromStatus(e, target);
            }
            attempts.mayHaveApplied |= !refusedOutright(failure);
            if (!failure.retryable()) {
                throw new ReplicaException(
                        failure.reason(),
                        failure.getMessage(),
                        failure.term(),
                        failure.primary(),
                        !attempts.mayHaveApplied);
            }
            if (System.nanoTime() > deadline) {
                throw new ReplicaException(
                        failure.reason(),
                        "gave up after " + options.deadline().toSeconds() + " s and " + attempts.count
                                + " attempts over " + group.known() + ": " + failure.getMessage(),
                        failure.term(),
                        failure.primary(),
                        !attempts.mayHaveApplied);
            }
            if (failure.reason() != Reason.NOT_SERVING) {
                attempts.failed(
                        target, Math.max(failure.term(), group.activeList().term()));
            }
            attempts.count++;
            target = next(target, failure, attempts, seen);
        }
    }

    /**
     * The answer to one attempt. A dead or frozen primary answers only when the attempt's deadline ends it, but
     * once the group names a new primary ({@link #movedOn}) the attempt is given up at once (a write is sent again
     * with the same id, so it is not applied twice): when a server pushes such a list, or, from servers without
     * the push, when the client looks every {@link #LOOK_AROUND_MS} of a slow attempt (asking all but the target).
     */
    private <T> T await(ListenableFuture<T> answer, String target) {
        long termAtStart = group.activeList().term();
        String primaryAtStart = group.primary();
        BooleanSupplier moved =
                () -> movedOn(termAtStart, primaryAtStart, group.activeList().term(), group.primary(), target);
        return group.whileWaiting(
                () -> {
                    if (moved.getAsBoolean()) {
                        answer.cancel(true);
                    }
                },
                () -> awaitUnlessMoved(answer, target, moved));
    }

    private <T> T awaitUnlessMoved(ListenableFuture<T> answer, String target, BooleanSupplier moved) {
        while (true) {
            try {
                return answer.get(LOOK_AROUND_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException slow) {
                group.discover(address -> address.equals(target));
                if (moved.getAsBoolean()) {
                    answer.cancel(true);
                    throw movedOn(target);
                }
            } catch (CancellationException pushed) {
                if (moved.getAsBoolean()) {
                    throw movedOn(target);
                }
                throw Status.CANCELLED.withDescription("cancelled").asRuntimeException();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StatusRuntimeException status) {
                    throw status;
                }
                throw Status.fromThrowable(e.getCause()).asRuntimeException();
            } catch (InterruptedException e) {
                answer.cancel(true);
                Thread.currentThread().interrupt();
                throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
            }
        }
    }

    private StatusRuntimeException movedOn(String target) {
        return Status.UNAVAILABLE
                .withDescription(target + " had not answered when the group moved on to term "
                        + group.activeList().term() + " with primary " + group.primary())
                .asRuntimeException();
    }

    /**
     * Whether the group now names a primary other than {@code target} that it did not name when the attempt
     * started: in a newer term, or in the same term (a failover promotes in the term it fenced in, and a client
     * may have learnt that term from the fenced helpers, before there was a primary in it).
     */
    static boolean movedOn(long termAtStart, String primaryAtStart, long termNow, String primaryNow, String target) {
        return !primaryNow.isEmpty()
                && !primaryNow.equals(target)
                && (termNow > termAtStart || (termNow == termAtStart && !primaryNow.equals(primaryAtStart)));
    }

    /**
     * A replica that answered with one of these did not act on the request: it is no primary, holds no lease,
     * or refused the request itself. Any other failure may hide an applied write: a timeout or a broken
     * connection (the replica may have appended it), a write appended but not acknowledged in time, a primary
     * deposed while it waited for acks (its entry may survive in the new term).
     */
    private static boolean refusedOutright(ReplicaException failure) {
        return switch (failure.reason()) {
            case NOT_PRIMARY, NOT_SERVING, STALE_TERM, INVALID, REFUSED -> true;
            case NOT_ACKNOWLEDGED, LOST_PRIMACY, UNREACHABLE -> false;
        };
    }

    /** The servers that failed during one operation, with the highest term known when each failed. */
    private static final class Attempts {
        private final Map<String, Long> failedInTerm = new LinkedHashMap<>();
        private int count;
        private int rounds;
        /** An attempt failed in a way that may have applied the request. */
        private boolean mayHaveApplied;

        void failed(String target, long term) {
            failedInTerm.merge(target, term, Math::max);
        }

        /** Failed in this operation while the group is still in the term it failed in. */
        boolean failedNow(String address, long term) {
            return !fresh(address, term);
        }

        /** Not tried yet in this operation, or tried before the group moved to a newer term. */
        boolean fresh(String address, long term) {
            Long failed = failedInTerm.get(address);
            return !address.isEmpty() && (failed == null || term > failed);
        }

        /** Every server failed once: start a new round (after a back-off). */
        void newRound() {
            failedInTerm.clear();
        }

        /** A back-off that grows from 10 to 160 ms over the operation (cut short by a pushed list). */
        long backoffMillis() {
            return 10L << Math.min(rounds++, 4);
        }
    }

    /**
     * Where to send next. Its discoveries skip the servers that failed in this operation and term: a frozen or
     * partitioned primary would hold each one for its whole deadline, while the others answer at once and name
     * the new primary as soon as there is one.
     */
    private String next(String target, ReplicaException failure, Attempts attempts, long seen) {
        if (failure.reason() == Reason.NOT_PRIMARY && attempts.fresh(failure.primary(), failure.term())) {
            group.primary(failure.primary());
            return group.primary();
        }
        if (failure.reason() == Reason.NOT_SERVING) {
            // A primary without its lease: a new one waiting out its hold-off serves in a moment, an isolated old
            // one is about to be replaced. Either way ask again after a short pause, where the group points then.
            group.awaitChange(seen, attempts.backoffMillis());
            if (group.pushes() == seen) {
                // Nothing pushed meanwhile (or the servers cannot push): ask. A pushed list is newer than any
                // answer, and asking would wait on a frozen server that a connection is still pinned to.
                group.discover(address ->
                        attempts.failedNow(address, group.activeList().term()));
            }
            return group.primary().isEmpty() ? target : group.primary();
        }
        if (!group.primary().equals(target)
                && attempts.fresh(group.primary(), group.activeList().term())) {
            // The group already names another primary, not yet tried in this operation: a pushed list.
            return group.primary();
        }
        group.discover(address -> attempts.failedNow(address, group.activeList().term()));
        if (attempts.fresh(group.primary(), group.activeList().term())) {
            return group.primary();
        }
        List<String> all = group.known();
        int from = all.indexOf(target);
        for (int i = 1; i <= all.size(); i++) {
            String candidate = all.get(Math.floorMod(from + i, all.size()));
            if (attempts.fresh(candidate, group.activeList().term())) {
                return candidate;
            }
        }
        attempts.newRound();
        group.awaitChange(seen, attempts.backoffMillis());
        group.discover(address -> attempts.failedNow(address, group.activeList().term()));
        return group.primary().isEmpty() ? target : group.primary();
    }
}
