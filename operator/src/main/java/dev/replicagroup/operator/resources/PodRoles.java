package dev.replicagroup.operator.resources;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;

/**
 * Moves the {@code replicagroup.dev/role} label, which is how the Services are repointed. Callers take the
 * primary label off the old pod before they put it on the new one, so no two pods ever carry it.
 * The pod is read from the cache ({@link Caches}); a label already right costs no API call, and a change is
 * one merge patch (no read first).
 */
@ApplicationScoped
public class PodRoles {
    private final KubernetesClient client;
    private final Caches caches;

    public PodRoles(KubernetesClient client, Caches caches) {
        this.client = client;
        this.caches = caches;
    }

    /** Sets the pod's role label; a pod that no longer exists is ignored. */
    public void set(String namespace, String pod, String role) {
        Optional<Pod> cached = caches.pod(namespace, pod);
        if (cached.isPresent()
                && cached.get().getMetadata().getLabels() != null
                && role.equals(cached.get().getMetadata().getLabels().get(Labels.ROLE))) {
            return;
        }
        // Not in the cache: maybe too new for it, so patch anyway; a pod that is really gone answers 404.
        try {
            Pod patched = client.pods()
                    .inNamespace(namespace)
                    .withName(pod)
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            Serialization.asJson(Map.of("metadata", Map.of("labels", Map.of(Labels.ROLE, role)))));
            cached.ifPresent(before -> caches.updated(patched, before));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
