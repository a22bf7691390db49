package dev.replicagroup.operator.resources;

import dev.replicagroup.operator.crd.ReplicaGroup;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Writes status with optimistic concurrency: the update carries the resourceVersion the decision was made
 * on, so if another writer (a second operator that also thinks it leads) changed the group meanwhile, the
 * write fails with 409 and the pass starts over (JOSDK's retry) from the cache, which by then holds the
 * other writer's version. This is what makes the term safe. Each write also goes into the groups' cache
 * ({@link Caches}), so the next pass decides on what this one wrote even before its watch event arrives.
 */
@ApplicationScoped
public class StatusWriter {
    private final KubernetesClient client;
    private final Caches caches;

    public StatusWriter(KubernetesClient client, Caches caches) {
        this.client = client;
        this.caches = caches;
    }

    /** Writes the group's status; on success the group carries the new resourceVersion. */
    public void write(ReplicaGroup group) {
        ReplicaGroup before = versionOnly(group);
        ReplicaGroup written = client.resources(ReplicaGroup.class)
                .inNamespace(group.getMetadata().getNamespace())
                .resource(group)
                .updateStatus();
        group.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
        caches.updated(written, before);
    }

    /** Removes an annotation (the switchover request once handled), keeping the group's resourceVersion current. */
    public void removeAnnotation(ReplicaGroup group, String key) {
        ReplicaGroup before = versionOnly(group);
        ReplicaGroup edited = client.resources(ReplicaGroup.class)
                .inNamespace(group.getMetadata().getNamespace())
                .withName(group.getMetadata().getName())
                .edit(g -> {
                    g.getMetadata().getAnnotations().remove(key);
                    return g;
                });
        group.getMetadata().setResourceVersion(edited.getMetadata().getResourceVersion());
        group.getMetadata().getAnnotations().remove(key);
        caches.updated(edited, before);
    }

    /** What the cache needs of the version a write replaced: its identity and resourceVersion. */
    private static ReplicaGroup versionOnly(ReplicaGroup group) {
        ReplicaGroup before = new ReplicaGroup();
        before.setMetadata(new ObjectMetaBuilder()
                .withName(group.getMetadata().getName())
                .withNamespace(group.getMetadata().getNamespace())
                .withUid(group.getMetadata().getUid())
                .withResourceVersion(group.getMetadata().getResourceVersion())
                .withAnnotations(Map.of())
                .build());
        return before;
    }
}
