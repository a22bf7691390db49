package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.replicas.Pushed;
import dev.replicagroup.operator.replicas.ReplicaWatches;
import dev.replicagroup.operator.resources.Labels;
import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.replication.NodeStatus;
import dev.replicagroup.replica.replication.ReplicaException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
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
 * ago is never made twice) and takes each replica's status from its Watch stream. A replica whose stream is
 * silent counts as not answering at once; only one whose stream was opened a moment ago is asked with a
 * Status call, all such calls at once, so no observation waits on a frozen or dead replica.
 */
@ApplicationScoped
public class Observer {
    private static final Logger LOG = Logger.getLogger(Observer.class);
    private final KubernetesClient client;
    private final ReplicaWatches watches;
    private final Clock clock;
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "replica-status");
        t.setDaemon(true);
        return t;
    });

    public Observer(KubernetesClient client, ReplicaWatches watches, Clock clock) {
        this.client = client;
        this.watches = watches;
        this.clock = clock;
    }

    public Observation observe(ReplicaGroup group, AdminClient admin) {
        String name = group.getMetadata().getName();
        List<Pod> pods = client.pods().inNamespace(group.getMetadata().getNamespace())
                .withLabels(Labels.groupSelector(group)).list().getItems();
        List<PodView> views = pods.stream().map(p -> PodView.of(name, p)).filter(p -> p.ordinal() >= 0).toList();
        Map<String, String> addresses = new HashMap<>();
        views.stream().filter(p -> !p.terminating() && !p.failed() && p.address().isPresent())
                .forEach(p -> addresses.put(p.name(), p.address().get()));
        ResourceID id = ResourceID.fromResource(group);
        watches.sync(id, admin, addresses);
        Map<String, NodeStatus> replicas = new HashMap<>();
        Map<String, CompletableFuture<NodeStatus>> asked = new HashMap<>();
        for (PodView pod : views) {
            if (!addresses.containsKey(pod.name())) {
                continue;
            }
            Pushed pushed = watches.view(id, pod.name());
            if (pushed instanceof Pushed.Fresh fresh) {
                replicas.put(pod.name(), fresh.status());
            } else if (pushed instanceof Pushed.Unknown) {
                asked.put(pod.name(), CompletableFuture.supplyAsync(() -> status(admin, pod), calls));
            } else if (pushed instanceof Pushed.Silent silent) {
                LOG.debugf("replica %s counts as not answering: %s", pod.name(), silent.why());
            }
        }
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
