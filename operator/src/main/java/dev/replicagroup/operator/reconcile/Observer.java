package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.resources.Labels;
import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.replication.NodeStatus;
import dev.replicagroup.replica.replication.ReplicaException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Takes an Observation: lists the group's pods straight from the API (not a cache, so a pod made a moment
 * ago is never made twice) and asks every replica with an address for its Status, all at once: a frozen
 * replica costs one call timeout per observation, not one per replica behind it.
 */
@ApplicationScoped
public class Observer {
    private static final Logger LOG = Logger.getLogger(Observer.class);
    private final KubernetesClient client;
    private final Clock clock;
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "replica-status");
        t.setDaemon(true);
        return t;
    });

    public Observer(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public Observation observe(ReplicaGroup group, AdminClient admin) {
        String name = group.getMetadata().getName();
        List<Pod> pods = client.pods().inNamespace(group.getMetadata().getNamespace())
                .withLabels(Labels.groupSelector(group)).list().getItems();
        List<PodView> views = pods.stream().map(p -> PodView.of(name, p)).filter(p -> p.ordinal() >= 0).toList();
        Map<String, CompletableFuture<NodeStatus>> asked = new HashMap<>();
        for (PodView pod : views) {
            if (!pod.terminating() && pod.address().isPresent()) {
                asked.put(pod.name(), CompletableFuture.supplyAsync(() -> status(admin, pod), calls));
            }
        }
        Map<String, NodeStatus> replicas = new HashMap<>();
        asked.forEach((pod, status) -> {
            NodeStatus answer = status.join();
            if (answer != null) {
                replicas.put(pod, answer);
            }
        });
        return new Observation(views, replicas, clock.instant());
    }

    private static NodeStatus status(AdminClient admin, PodView pod) {
        try {
            return admin.status(pod.address().orElseThrow());
        } catch (ReplicaException e) {
            LOG.debugf("replica %s (%s) did not answer: %s", pod.name(), pod.address().orElseThrow(), e.getMessage());
            return null;
        }
    }

    @PreDestroy
    void stop() {
        calls.shutdownNow();
    }
}
