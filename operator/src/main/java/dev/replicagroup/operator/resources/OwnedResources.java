package dev.replicagroup.operator.resources;

import dev.replicagroup.operator.crd.ReplicaGroup;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Objects;

/** Makes sure the group's Secret, Services and PodDisruptionBudget exist and select the right pods. */
@ApplicationScoped
public class OwnedResources {
    private final KubernetesClient client;

    public OwnedResources(KubernetesClient client) {
        this.client = client;
    }

    /** Ensures everything but the pods; returns the group's admin token. */
    public String ensure(ReplicaGroup group) {
        String ns = group.getMetadata().getNamespace();
        Secret secret = client.secrets().inNamespace(ns).withName(Names.tokenSecret(group.getMetadata().getName())).get();
        if (secret == null) {
            secret = client.resource(Secrets.adminToken(group)).create();
        }
        for (Service desired : List.of(Services.primary(group), Services.helpers(group), Services.peers(group))) {
            ensureService(ns, desired);
        }
        if (client.policy().v1().podDisruptionBudget().inNamespace(ns)
                .withName(Names.disruptionBudget(group.getMetadata().getName())).get() == null) {
            client.resource(Services.disruptionBudget(group)).create();
        }
        return Secrets.token(secret);
    }

    private void ensureService(String ns, Service desired) {
        Service current = client.services().inNamespace(ns).withName(desired.getMetadata().getName()).get();
        if (current == null) {
            client.resource(desired).create();
            return;
        }
        // Only the fields the spec controls; the cluster IP and node ports are the API server's.
        String desiredType = Objects.requireNonNullElse(desired.getSpec().getType(), "ClusterIP");
        if (!Objects.equals(current.getSpec().getSelector(), desired.getSpec().getSelector())
                || !Objects.equals(Objects.requireNonNullElse(current.getSpec().getType(), "ClusterIP"), desiredType)) {
            client.services().inNamespace(ns).withName(desired.getMetadata().getName()).edit(s -> {
                s.getSpec().setSelector(desired.getSpec().getSelector());
                s.getSpec().setType(desiredType);
                return s;
            });
        }
    }
}
