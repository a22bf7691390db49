package dev.replicagroup.e2e.support;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks every pod of the group for its admin Status (from the node, as the operator would, every
 * {@link Settings#STATUS_EVERY}) and finds moments when two pods were surely serving as primary at once: what the
 * pod labels cannot show (a partitioned old primary keeps its label and may still answer clients).
 *
 * <p>A pod is serving when it reports role primary and, if it reports lease timing, {@code serving}. One sample,
 * taken at an unknown moment within its call, proves it served from the end of the call (if the call was quick)
 * until the start of the call plus the lease it had left; consecutive serving samples in one term are taken to
 * cover the time between them (they are {@code STATUS_EVERY} apart). A failed or non-serving sample ends the run;
 * one that answers not serving in that term (fenced, deposed: a fence ends the lease at once) ends it by the end of
 * its call at the latest (soak fault 73 reported a fenced old primary's unused lease as 125 ms of two primaries).
 * Only overlaps of such surely-served stretches of two different pods are reported, so a report is a real
 * violation, not an artefact of sampling.
 */
public final class ServingMonitor implements AutoCloseable {

    private final Group group;
    private final AdminClient admin;
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "serving-monitor"));
    private final ExecutorService callers = Executors.newCachedThreadPool(r -> daemon(r, "serving-monitor-call"));
    private final Map<String, Run> open = new HashMap<>();
    private final List<Run> done = new ArrayList<>();
    private Map<String, String> addresses = Map.of();
    private long rounds;

    /** One stretch a pod surely served as primary in one term, on the suite's nanoTime clock. */
    record Run(String pod, long term, long from, long until) {}

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
        long end = System.nanoTime();
        boolean timed = status != null && status.timing().leaseMillis() > 0;
        boolean serving = status != null
                && status.role() == Role.PRIMARY
                && (!timed || status.timing().serving());
        long lease = timed ? TimeUnit.MILLISECONDS.toNanos(status.timing().leaseRemainingMillis()) : 0;
        synchronized (this) {
            Run run = open.get(pod);
            if (run != null && (!serving || run.term() != status.term())) {
                open.remove(pod);
                // An answer that it no longer serves in that term (fenced, deposed) ends the stretch by then; a
                // failed call does not: cut off from us, it may serve others until its lease runs out.
                finish(status == null ? run : new Run(pod, run.term(), run.from(), Math.min(run.until(), end)));
                run = null;
            }
            if (serving) {
                long until = Math.max(start + lease, run == null ? end : start);
                open.put(
                        pod,
                        run == null
                                ? new Run(pod, status.term(), end, until)
                                : new Run(pod, run.term(), run.from(), Math.max(run.until(), until)));
            }
        }
    }

    private void finish(Run run) {
        if (run.until() > run.from()) {
            done.add(run);
        }
    }

    /** Every pair of stretches of two different pods that overlap, with the length of the overlap. */
    public synchronized List<String> twoServing() {
        List<Run> all = new ArrayList<>(done);
        open.values().stream().filter(r -> r.until() > r.from()).forEach(all::add);
        List<String> overlaps = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                Run a = all.get(i);
                Run b = all.get(j);
                long overlap = Math.min(a.until(), b.until()) - Math.max(a.from(), b.from());
                if (!a.pod().equals(b.pod()) && overlap > 0) {
                    overlaps.add(a.pod() + " (term " + a.term() + ") and " + b.pod() + " (term " + b.term()
                            + ") both served as primary for " + overlap / 1_000_000 + " ms");
                }
            }
        }
        return overlaps;
    }

    /** How many samples found a serving primary: a monitor that never saw one checked nothing. */
    public synchronized int stretches() {
        return done.size() + open.size();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        callers.shutdownNow();
        admin.close();
    }
}
