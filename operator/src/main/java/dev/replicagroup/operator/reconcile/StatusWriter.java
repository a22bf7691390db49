package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.ReplicaGroup;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes status with optimistic concurrency: the update carries the resourceVersion the decision was made
 * on, so if another writer (a second operator that also thinks it leads) changed the group meanwhile, the
 * write fails with 409 and the pass starts over from a fresh read. This is what makes the term safe.
 */
@ApplicationScoped
public class StatusWriter {
    private final KubernetesClient client;

    public StatusWriter(KubernetesClient client) {
        this.client = client;
    }

    /** Writes the group's status; on success the group carries the new resourceVersion. */
    public void write(ReplicaGroup group) {
        ReplicaGroup written = client.resources(ReplicaGroup.class).inNamespace(group.getMetadata().getNamespace())
                .resource(group).updateStatus();
        group.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
    }

    /** The group as the API has it now (the informer's copy may lag behind our own writes). */
    public ReplicaGroup fresh(ReplicaGroup group) {
        return client.resources(ReplicaGroup.class).inNamespace(group.getMetadata().getNamespace())
                .withName(group.getMetadata().getName()).get();
    }

    /** Removes an annotation (the switchover request once handled), keeping the group's resourceVersion current. */
    public void removeAnnotation(ReplicaGroup group, String key) {
        ReplicaGroup edited = client.resources(ReplicaGroup.class).inNamespace(group.getMetadata().getNamespace())
                .withName(group.getMetadata().getName()).edit(g -> {
                    g.getMetadata().getAnnotations().remove(key);
                    return g;
                });
        group.getMetadata().setResourceVersion(edited.getMetadata().getResourceVersion());
        group.getMetadata().getAnnotations().remove(key);
    }
}
