package dev.replicagroup.operator.resources;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;

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
            resource.edit(p -> {
                p.getMetadata().getLabels().put(Labels.ROLE, role);
                return p;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
