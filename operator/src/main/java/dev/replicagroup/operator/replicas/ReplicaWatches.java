package dev.replicagroup.operator.replicas;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.NodeStatus;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Holds one Admin Watch stream per replica pod with an address, keeps the newest status of each with the time
 * it arrived, and wakes the group's reconciler (an inbound event source) when a status changes in a way a
 * failover decides on, or a stream ends. Streams are opened from the observer: the leading operator's
 * reconciler, and a standby's {@code Standby}, so that a new leader starts with fresh statuses (only the
 * leader's event processing runs, so only its reconciler is woken). This is how a quorum of helpers that lost their primary is heard within one push, not one resync.
 */
@ApplicationScoped
public class ReplicaWatches {
    private static final Logger LOG = Logger.getLogger(ReplicaWatches.class);
    /** A group no reconcile has synced for this long was deleted: its streams are not reopened. */
    private static final long FORGOTTEN_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final SimpleInboundEventSource<ReplicaGroup> events = new SimpleInboundEventSource<>("replica-watches");
    private final Map<ResourceID, Group> groups = new ConcurrentHashMap<>();
    private final int keepaliveMillis;
    private final long keepaliveNanos;
    private final ScheduledExecutorService reconnects = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "replica-watch-reconnect");
        t.setDaemon(true);
        return t;
    });

    /** A group's streams, and the admin client (token, CA) they are opened with. */
    private static final class Group {
        final Map<String, Stream> streams = new ConcurrentHashMap<>();
        /** The highest committed position any of its replicas reported, kept after their streams close. */
        final AtomicReference<LogPosition> committed = new AtomicReference<>(LogPosition.ZERO);

        volatile GroupAdmin admin;
        volatile long syncedAt;
    }

    /** One pod's stream at one address. */
    private static final class Stream {
        final String address;
        final AtomicReference<WatchState> state;
        volatile AutoCloseable handle;
        volatile boolean closed;
        /** Whether the last sweep found the stream fresh (so the next one can tell it fell silent). */
        volatile boolean wasFresh;

        Stream(String address, long now) {
            this.address = address;
            this.state = new AtomicReference<>(WatchState.opened(now));
        }
    }

    @SuppressWarnings("FutureReturnValueIgnored") // sweep() catches its own failures; the executor is a daemon
    public ReplicaWatches(
            @ConfigProperty(name = "replicagroup.watch-keepalive", defaultValue = "250ms") Duration keepalive) {
        this.keepaliveMillis = (int) keepalive.toMillis();
        this.keepaliveNanos = keepalive.toNanos();
        reconnects.scheduleWithFixedDelay(this::sweep, keepaliveMillis, keepaliveMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Wakes a group whose stream fell silent (no status for two keepalives, a frozen or cut-off replica, a
     * connection that broke without ending the stream): the reconciler has no resync at rest, and silence sends
     * no push. In memory only; the pass it starts reopens the stream once it is stale ({@link #sync}).
     */
    private void sweep() {
        long now = System.nanoTime();
        groups.forEach((id, group) -> {
            boolean fell = false;
            for (Stream stream : group.streams.values()) {
                boolean fresh = stream.state.get().view(now, keepaliveNanos) instanceof Pushed.Fresh;
                fell |= stream.wasFresh && !fresh;
                stream.wasFresh = fresh;
            }
            if (fell) {
                wake(id);
            }
        });
    }

    /** The event source the reconciler registers, so that a pushed change triggers a reconcile of its group. */
    public SimpleInboundEventSource<ReplicaGroup> eventSource() {
        return events;
    }

    /**
     * Makes the group's streams match its pods: opens one for each new pod or address, closes those of pods
     * gone or moved, and reopens a stream silent so long that its connection is likely broken.
     *
     * @param addresses pod name to replica address, for the pods that should be watched
     */
    public void sync(ResourceID id, GroupAdmin admin, Map<String, String> addresses) {
        long now = System.nanoTime();
        Group group = groups.computeIfAbsent(id, k -> new Group());
        // The reconciler and, on a standby, the standby's observer both sync: one at a time per group, so a
        // pod never gets two streams.
        synchronized (group) {
            group.syncedAt = now;
            if (group.admin != admin) {
                // A new admin token or CA: every stream is reopened with the new client.
                group.admin = admin;
                group.streams.keySet().forEach(pod -> close(group.streams.remove(pod)));
            }
            group.streams.entrySet().removeIf(e -> {
                boolean gone = !e.getValue().address.equals(addresses.get(e.getKey()));
                if (gone) {
                    close(e.getValue());
                }
                return gone;
            });
            addresses.forEach((pod, address) -> {
                Stream stream = group.streams.get(pod);
                if (stream == null) {
                    Stream opened = new Stream(address, now);
                    group.streams.put(pod, opened);
                    open(id, group, pod, opened);
                } else if (stream.state.get().stale(now, keepaliveNanos)) {
                    LOG.debugf("%s: watch of %s silent, reopening", id.getName(), pod);
                    closeHandle(stream);
                    stream.state.updateAndGet(s -> s.reopened(System.nanoTime()));
                    open(id, group, pod, stream);
                }
            });
        }
    }

    /** What the pod's stream says of its replica now. */
    public Pushed view(ResourceID id, String pod) {
        Group group = groups.get(id);
        Stream stream = group == null ? null : group.streams.get(pod);
        return stream == null ? new Pushed.Unknown() : stream.state.get().view(System.nanoTime(), keepaliveNanos);
    }

    /** The pod's last log sequence number, from a fresh status on its stream; NaN when there is none (metrics). */
    public double seq(ResourceID id, String pod) {
        return fresh(id, pod).map(s -> (double) s.last().seq()).orElse(Double.NaN);
    }

    /**
     * How many entries the pod is behind, as the group's primary (the freshest one in the highest term) reports
     * it; 0 for the primary itself, NaN when unknown (metrics).
     */
    public double lag(ResourceID id, String pod) {
        Group group = groups.get(id);
        Stream stream = group == null ? null : group.streams.get(pod);
        if (stream == null) {
            return Double.NaN;
        }
        Optional<NodeStatus> primary = group.streams.keySet().stream()
                .map(p -> fresh(id, p))
                .flatMap(Optional::stream)
                .filter(s -> s.role() == Role.PRIMARY)
                .max(Comparator.comparingLong(NodeStatus::term));
        if (primary.isEmpty()) {
            return Double.NaN;
        }
        if (primary.get().address().equals(stream.address)) {
            return 0;
        }
        return primary.get().helper(stream.address).map(h -> (double) h.lag()).orElse(Double.NaN);
    }

    /**
     * The highest committed position the group's replicas reported to this operator (in memory: empty after an
     * operator restart, or when none reported one), to say what was lost when every member is gone; reset, since
     * the group starts again from nothing.
     */
    public Optional<LogPosition> takeCommitted(ResourceID id) {
        return Optional.ofNullable(groups.get(id))
                .map(g -> g.committed.getAndSet(LogPosition.ZERO))
                .filter(c -> !c.equals(LogPosition.ZERO));
    }

    private Optional<NodeStatus> fresh(ResourceID id, String pod) {
        return view(id, pod) instanceof Pushed.Fresh f ? Optional.of(f.status()) : Optional.empty();
    }

    /** Closes the streams of a group that no longer exists. */
    public void forget(ResourceID id) {
        Group group = groups.remove(id);
        if (group != null) {
            group.streams.values().forEach(ReplicaWatches::close);
        }
    }

    @SuppressWarnings("FutureReturnValueIgnored") // the scheduled reopen() catches a failed open like this one
    private void open(ResourceID id, Group group, String pod, Stream stream) {
        if (stream.closed) {
            return;
        }
        try {
            stream.handle = group.admin.watch(
                    stream.address,
                    keepaliveMillis,
                    status -> {
                        WatchState before = stream.state.getAndUpdate(s -> s.received(status, System.nanoTime()));
                        group.committed.accumulateAndGet(status.committed(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
                        if (before.relevant(status)) {
                            wake(id);
                        }
                    },
                    end -> {
                        WatchState ended = stream.state.updateAndGet(s -> s.endedBecause(end.getMessage()));
                        LOG.debugf(
                                "%s: watch of %s ended (%s); reopening in %d ms",
                                id.getName(), pod, end.getMessage(), ended.backoffMillis());
                        wake(id);
                        reconnects.schedule(
                                () -> reopen(id, group, pod, stream), ended.backoffMillis(), TimeUnit.MILLISECONDS);
                    });
        } catch (RuntimeException e) {
            // A channel that cannot even be made (a bad address) ends like a stream that failed at once.
            stream.state.updateAndGet(s -> s.endedBecause(String.valueOf(e)));
        }
    }

    private void reopen(ResourceID id, Group group, String pod, Stream stream) {
        if (stream.closed || groups.get(id) != group) {
            return;
        }
        if (System.nanoTime() - group.syncedAt > FORGOTTEN_NANOS) {
            forget(id);
            return;
        }
        stream.state.updateAndGet(s -> s.reopened(System.nanoTime()));
        open(id, group, pod, stream);
    }

    /** A reconcile of the group now (a pushed change, or this process just started leading). */
    public void wake(ResourceID id) {
        if (events.isRunning()) {
            events.propagateEvent(id);
        }
    }

    private static void close(Stream stream) {
        if (stream != null) {
            stream.closed = true;
            closeHandle(stream);
        }
    }

    private static void closeHandle(Stream stream) {
        AutoCloseable handle = stream.handle;
        if (handle != null) {
            try {
                handle.close();
            } catch (Exception e) {
                LOG.debugf("closing a watch: %s", e.getMessage());
            }
        }
    }

    @PreDestroy
    void stop() {
        reconnects.shutdownNow();
        groups.keySet().forEach(this::forget);
    }
}
