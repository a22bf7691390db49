package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.resources.Labels;
import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.replication.NodeStatus;
import dev.replicagroup.replica.replication.ReplicaException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Takes an Observation: lists the group's pods straight from the API (not a cache, so a pod made a moment
 * ago is never made twice) and asks every replica with an address for its Status.
 */
@ApplicationScoped
public class Observer {
    private static final Logger LOG = Logger.getLogger(Observer.class);
    private final KubernetesClient client;
    private final Clock clock;

    public Observer(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public Observation observe(ReplicaGroup group, AdminClient admin) {
        String name = group.getMetadata().getName();
        List<Pod> pods = client.pods().inNamespace(group.getMetadata().getNamespace())
                .withLabels(Labels.groupSelector(group)).list().getItems();
        List<PodView> views = pods.stream().map(p -> PodView.of(name, p)).filter(p -> p.ordinal() >= 0).toList();
        Map<String, NodeStatus> replicas = new HashMap<>();
        for (PodView pod : views) {
            if (pod.terminating() || pod.address().isEmpty()) {
                continue;
            }
            try {
                replicas.put(pod.name(), admin.status(pod.address().get()));
            } catch (ReplicaException e) {
                LOG.debugf("replica %s (%s) did not answer: %s", pod.name(), pod.address().get(), e.getMessage());
            }
        }
        return new Observation(views, replicas, clock.instant());
    }
}
