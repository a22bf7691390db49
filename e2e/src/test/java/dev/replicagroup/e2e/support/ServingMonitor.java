package dev.replicagroup.e2e.support;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks every pod of the group for its admin Status (from the node, as the operator would, every
 * {@link Settings#STATUS_EVERY}) and watches each pod's Watch stream, and finds moments when two pods may both
 * have served as primary: what the pod labels cannot show (a partitioned old primary keeps its label and may
 * still answer clients). How samples become stretches is {@link ServingStretches}.
 */
public final class ServingMonitor implements AutoCloseable {
    /** The Watch keepalive asked for: only the pushed changes count, the keepalive just keeps the stream open. */
    private static final int WATCH_KEEPALIVE_MILLIS = 1000;

    private final Group group;
    private final AdminClient admin;
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "serving-monitor"));
    private final ExecutorService callers = Executors.newCachedThreadPool(r -> daemon(r, "serving-monitor-call"));
    private final ServingStretches stretches = new ServingStretches();
    private final Map<String, Watched> watches = new ConcurrentHashMap<>();
    private Map<String, String> addresses = Map.of();
    private long rounds;

    /** The Watch stream open to one pod's address; {@code ended} once the replica or the network ended it. */
    private static final class Watched {
        final String address;
        volatile boolean ended;
        AutoCloseable stream;

        Watched(String address) {
            this.address = address;
        }
    }

    @SuppressWarnings("FutureReturnValueIgnored") // round() catches its failures; close() ends the ticker
    public ServingMonitor(Group group) {
        this.group = group;
        this.admin = new AdminClient(group.adminToken(), Settings.STATUS_CALL);
        ticker.scheduleWithFixedDelay(this::round, 0, Settings.STATUS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void round() {
        try {
            if (rounds++ % 10 == 0) {
                Map<String, String> fresh = new HashMap<>();
                for (Pod pod : group.pods()) {
                    if (pod.getStatus().getPodIP() != null
                            && !pod.getStatus().getPodIP().isBlank()) {
                        fresh.put(pod.getMetadata().getName(), pod.getStatus().getPodIP() + ":" + grpcPort(pod));
                    }
                }
                addresses = fresh;
            }
            addresses.forEach(this::watch);
            Map<String, CompletableFuture<Void>> calls = new HashMap<>();
            addresses.forEach((pod, address) ->
                    calls.put(pod, CompletableFuture.runAsync(() -> sample(pod, address), callers)));
            CompletableFuture.allOf(calls.values().toArray(CompletableFuture[]::new))
                    .join();
        } catch (RuntimeException e) {
            // An API hiccup while listing pods: the next round tries again; the samples taken stand.
        }
    }

    /** The replica container's port named grpc (the one the operator advertises). */
    private static int grpcPort(Pod pod) {
        return pod.getSpec().getContainers().stream()
                .flatMap(c -> c.getPorts().stream())
                .filter(p -> "grpc".equals(p.getName()))
                .map(p -> p.getContainerPort())
                .findFirst()
                .orElseThrow(() -> new AssertionError(pod.getMetadata().getName() + " has no port named grpc"));
    }

    private void sample(String pod, String address) {
        long start = System.nanoTime();
        NodeStatus status;
        try {
            status = admin.status(address);
        } catch (ReplicaException e) {
            status = null;
        }
        stretches.polled(pod, ServingStretches.Sample.of(status), start, System.nanoTime());
    }

    /** Opens a Watch stream to {@code pod} at {@code address} unless one is open there (a new pod, a new IP). */
    private void watch(String pod, String address) {
        Watched current = watches.get(pod);
        if (current != null && current.address.equals(address) && !current.ended) {
            return;
        }
        if (current != null) {
            closeQuietly(current);
        }
        Watched next = new Watched(address);
        next.stream = admin.watch(
                address,
                WATCH_KEEPALIVE_MILLIS,
                status -> stretches.pushed(pod, ServingStretches.Sample.of(status), System.nanoTime()),
                ended -> next.ended = true);
        watches.put(pod, next);
    }

    private static void closeQuietly(Watched watched) {
        try {
            watched.stream.close();
        } catch (Exception e) {
            // Cancelling a stream does not fail; nothing to do if it did.
        }
    }

    /** Every pair of stretches of two different pods that overlap, with the length of the overlap. */
    public List<String> twoServing() {
        return stretches.overlaps();
    }

    /** How many stretches of a serving primary were seen: a monitor that never saw one checked nothing. */
    public int stretches() {
        return stretches.count();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        callers.shutdownNow();
        watches.values().forEach(ServingMonitor::closeQuietly);
        admin.close();
    }
}
