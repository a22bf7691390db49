package dev.replicagroup.operator.resources;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Moves the {@code replicagroup.dev/role} label, which is how the Services are repointed. Callers take the
 * primary label off the old pod before they put it on the new one, so no two pods ever carry it.
 */
@ApplicationScoped
public class PodRoles {
    private final KubernetesClient client;

    public PodRoles(KubernetesClient client) {
        this.client = client;
    }

    /** Sets the pod's role label; a pod that no longer exists is ignored. */
    public void set(String namespace, String pod, String role) {
        try {
            var resource = client.pods().inNamespace(namespace).withName(pod);
            var current = resource.get();
            if (current == null || role.equals(current.getMetadata().getLabels().get(Labels.ROLE))) {
                return;
            }
            // A merge patch of the one label, without a resourceVersion: the kubelet updates the pod all the time, and
            // an optimistic edit would fail on that (and the failover would wait for the reconcile's retry back-off).
            resource.patch(PatchContext.of(PatchType.JSON_MERGE),
                    Serialization.asJson(Map.of("metadata", Map.of("labels", Map.of(Labels.ROLE, role)))));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
