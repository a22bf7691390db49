package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.observed.ClaimView;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.operator.replicas.AdminFanout;
import dev.replicagroup.operator.replicas.GroupAdmin;
import dev.replicagroup.operator.replicas.Pushed;
import dev.replicagroup.operator.replicas.ReplicaWatches;
import dev.replicagroup.operator.resources.Caches;
import dev.replicagroup.replica.status.NodeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Takes an Observation: the group's pods from the informer cache ({@link Caches}; a pod this operator made a
 * moment ago is in it at once, so it is never made twice) and each replica's status from its Watch stream. A replica whose stream is
 * silent counts as not answering at once; only one whose stream was opened a moment ago is asked with a
 * Status call, all such calls at once, so no observation waits on a frozen or dead replica.
 */
@ApplicationScoped
public class Observer {
    private static final Logger LOG = Logger.getLogger(Observer.class);
    private final Caches caches;
    private final ReplicaWatches watches;
    private final Clock clock;
    private final AdminFanout fanout;

    public Observer(Caches caches, ReplicaWatches watches, AdminFanout fanout, Clock clock) {
        this.caches = caches;
        this.watches = watches;
        this.fanout = fanout;
        this.clock = clock;
    }

    public Observation observe(ReplicaGroup group, GroupAdmin admin) {
        String name = group.getMetadata().getName();
        List<Pod> pods = caches.pods(group);
        List<PodView> views = pods.stream()
                .map(p -> PodView.of(name, p))
                .filter(p -> p.ordinal() >= 0)
                .toList();
        Map<String, String> addresses = new HashMap<>();
        // A pod being deleted is still watched: its replica may run for the grace period, and its answer to a
        // fence is what spares the new primary the lease hold-off.
        views.stream()
                .filter(p -> !p.failed() && p.address().isPresent())
                .forEach(p -> addresses.put(p.name(), p.address().get()));
        ResourceID id = ResourceID.fromResource(group);
        watches.sync(id, admin, addresses);
        Map<String, NodeStatus> replicas = new HashMap<>();
        Map<String, String> ask = new HashMap<>();
        for (PodView pod : views) {
            if (!addresses.containsKey(pod.name())) {
                continue;
            }
            Pushed pushed = watches.view(id, pod.name());
            if (pushed instanceof Pushed.Fresh fresh) {
                replicas.put(pod.name(), fresh.status());
            } else if (pushed instanceof Pushed.Unknown) {
                ask.put(pod.name(), pod.address().get());
            } else if (pushed instanceof Pushed.Silent silent) {
                LOG.debugf("replica %s counts as not answering: %s", pod.name(), silent.why());
            }
        }
        fanout.callAll(ask, admin::status).forEach((pod, answer) -> {
            if (answer.ok()) {
                replicas.put(pod, answer.status());
            } else {
                LOG.debugf("replica %s did not answer: %s", pod, answer.error().getMessage());
            }
        });
        List<ClaimView> claims = caches.claims(group).stream()
                .flatMap(c -> ClaimView.of(name, c).stream())
                .toList();
        return new Observation(views, replicas, clock.instant(), claims);
    }
}
