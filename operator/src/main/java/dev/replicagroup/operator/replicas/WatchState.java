package dev.replicagroup.operator.replicas;

import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.NodeStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * One replica's Watch stream as last heard, immutable, with monotonic times in nanoseconds. The decisions on it
 * (is the status fresh, is a new status worth a reconcile) are pure, so they are tested without streams.
 *
 * @param latest     the newest status the stream delivered, if any
 * @param receivedAt when {@code latest} arrived
 * @param openedAt   when the current stream was opened
 * @param ended      why the current stream ended, while it waits to be reopened
 * @param failures   streams in a row that ended without delivering anything, for the reconnect back-off
 */
public record WatchState(
        Optional<NodeStatus> latest, long receivedAt, long openedAt, Optional<String> ended, int failures) {

    static WatchState opened(long now) {
        return new WatchState(Optional.empty(), now, now, Optional.empty(), 0);
    }

    WatchState reopened(long now) {
        return new WatchState(latest, receivedAt, now, Optional.empty(), failures);
    }

    WatchState received(NodeStatus status, long now) {
        return new WatchState(Optional.of(status), now, openedAt, Optional.empty(), 0);
    }

    WatchState endedBecause(String why) {
        boolean spoke = latest.isPresent() && receivedAt >= openedAt;
        return new WatchState(latest, receivedAt, openedAt, Optional.of(why), spoke ? 0 : failures + 1);
    }

    /**
     * What this stream says of its replica at {@code now}. Silence longer than two keepalives is an answer: the
     * replica is frozen or cut off. Only a first stream that has not spoken yet (it was opened a moment ago)
     * leaves the question open.
     */
    public Pushed view(long now, long keepaliveNanos) {
        long window = 2 * keepaliveNanos;
        if (ended.isPresent()) {
            return new Pushed.Silent("its watch ended: " + ended.get());
        }
        if (latest.isPresent() && now - receivedAt <= window) {
            return new Pushed.Fresh(latest.get());
        }
        if (latest.isEmpty() && failures == 0 && now - openedAt <= window) {
            return new Pushed.Unknown();
        }
        long since = latest.isPresent() ? receivedAt : openedAt;
        return new Pushed.Silent("no status on its watch for " + (now - since) / 1_000_000 + " ms");
    }

    /** Whether an open stream has been silent so long that it is likely dead on a broken connection. */
    boolean stale(long now, long keepaliveNanos) {
        return ended.isEmpty() && now - Math.max(openedAt, receivedAt) > 5 * keepaliveNanos;
    }

    /** How long to wait before reopening an ended stream: 100 ms, doubling per failure, at most 2 s. */
    long backoffMillis() {
        return Math.min(2000, 100L << Math.min(failures, 5));
    }

    /**
     * Whether {@code after} is worth a reconcile: the first status of a stream, or one that differs from the last
     * in something a failover decides on. Keepalives and progress (sequence numbers, lag) do not wake the
     * reconciler; its resync reads them.
     */
    boolean relevant(NodeStatus after) {
        return latest.isEmpty() || receivedAt < openedAt || !Objects.equals(key(latest.get()), key(after));
    }

    private record Key(
            Role role,
            long term,
            String primary,
            boolean serving,
            boolean primaryLost,
            String lastPrimary,
            boolean caughtUp,
            String problem) {}

    private static Key key(NodeStatus s) {
        return new Key(
                s.role(),
                s.term(),
                s.primary(),
                s.timing().serving(),
                s.timing().primaryLost(),
                s.timing().lastPrimary(),
                s.caughtUp(),
                s.problem());
    }
}
