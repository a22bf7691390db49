package dev.replicagroup.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Watches the group's pods and remembers every moment two live (not terminating) pods carried role=primary at
 * once: the Service would then have had two ready endpoints, two primaries taking writes. The watch delivers the pods'
 * changes in the API server's order, so the map is the sequence of states the Service controller saw.
 */
public final class PrimaryLabelMonitor implements AutoCloseable {
    private final Map<String, String> roles = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private final Watch watch;
    /** Why the watch ended before close(), if it did: the check then saw only part of the run. */
    private WatcherException ended;

    public PrimaryLabelMonitor(TestNamespace ns, Group group) {
        this.watch = ns.cluster()
                .client()
                .pods()
                .inNamespace(ns.name())
                .withLabel(Group.GROUP_LABEL, group.name())
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                        update(action, pod);
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        // The client reconnects by itself; it gives up only on an error it cannot resume from.
                        closedEarly(cause);
                    }
                });
    }

    private synchronized void update(Watcher.Action action, Pod pod) {
        String name = pod.getMetadata().getName();
        // A terminating pod is no longer routed to by kube-proxy, so its stale label cannot take writes.
        if (action == Watcher.Action.DELETED || pod.getMetadata().getDeletionTimestamp() != null) {
            roles.remove(name);
        } else {
            roles.put(name, pod.getMetadata().getLabels().getOrDefault(Group.ROLE_LABEL, ""));
        }
        List<String> primaries = roles.entrySet().stream()
                .filter(e -> "primary".equals(e.getValue()))
                .map(Map.Entry::getKey)
                .toList();
        if (primaries.size() > 1) {
            violations.add("at resourceVersion " + pod.getMetadata().getResourceVersion() + ": " + primaries);
        }
    }

    private synchronized void closedEarly(WatcherException cause) {
        ended = cause;
    }

    /**
     * Every moment two live pods were labelled primary; an AssertionError if the watch ended early, since a
     * check that stopped looking must not pass as "never two primaries".
     */
    public synchronized List<String> twoPrimaries() {
        if (ended != null) {
            throw new AssertionError(
                    "the watch of the group's pods ended early (" + ended.getMessage()
                            + "): the never-two-primaries check saw only part of the run",
                    ended);
        }
        return List.copyOf(violations);
    }

    @Override
    public void close() {
        watch.close();
    }
}
