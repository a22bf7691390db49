package dev.replicagroup.operator.resources;

import dev.replicagroup.operator.crd.ReplicaGroup;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes sure the group's Secret, Services and PodDisruptionBudget exist and select the right pods, reading
 * them from the informer caches ({@link Caches}): a pass that finds them in place makes no API call.
 *
 * <p>Why not JOSDK dependent resources: the Secret holds a random token made once and never to be replaced
 * (a dependent's desired state would be a new token on every pass), a Service is only repaired in the two
 * fields the spec controls (selector and type; its cluster IP and node ports are the API server's, and
 * without server-side apply the SDK's matcher compares whole objects), and the reconciler needs the token
 * before anything else in the same pass. What the dependents would add here is the caching, which
 * {@link Caches} does with the same JOSDK informers and temporary cache.
 */
@ApplicationScoped
public class OwnedResources {
    private final KubernetesClient client;
    private final Caches caches;
    // By group UID: the token seen in each group's Secret, to put back if the Secret is deleted.
    private final Map<String, String> lastSeen = new ConcurrentHashMap<>();

    public OwnedResources(KubernetesClient client, Caches caches) {
        this.client = client;
        this.caches = caches;
    }

    /**
     * Ensures everything but the pods; returns how the admin token was had. On {@link AdminTokenPlan.Lost} nothing
     * else is done: the pass cannot talk to the replicas.
     */
    public AdminTokenPlan ensure(ReplicaGroup group, boolean replicasExist) {
        String ns = group.getMetadata().getNamespace();
        String name = group.getMetadata().getName();
        String uid = Objects.requireNonNullElse(group.getMetadata().getUid(), ns + "/" + name);
        AdminTokenPlan plan =
                AdminTokenPlan.decide(token(group), Optional.ofNullable(lastSeen.get(uid)), replicasExist);
        if (plan instanceof AdminTokenPlan.Lost) {
            return plan;
        }
        if (plan instanceof AdminTokenPlan.CreateNew) {
            plan = new AdminTokenPlan.Use(Secrets.token(create(Secrets.adminToken(group, Secrets.newToken()))));
        } else if (plan instanceof AdminTokenPlan.Restore restore) {
            create(Secrets.adminToken(group, restore.token()));
        }
        plan.usable().ifPresent(token -> lastSeen.put(uid, token));
        for (Service desired : List.of(Services.primary(group), Services.read(group), Services.peers(group))) {
            ensureService(ns, desired);
        }
        if (caches.disruptionBudget(ns, Names.disruptionBudget(name)).isEmpty()) {
            create(Services.disruptionBudget(group));
        }
        return plan;
    }

    /** The group's admin token, from the cache; empty until its Secret exists (nothing is created here). */
    public Optional<String> token(ReplicaGroup group) {
        return caches.secret(
                        group.getMetadata().getNamespace(),
                        Names.tokenSecret(group.getMetadata().getName()))
                .map(Secrets::token);
    }

    private <R extends HasMetadata> R create(R desired) {
        R created = client.resource(desired).create();
        caches.created(created);
        return created;
    }

    private void ensureService(String ns, Service desired) {
        Service current = caches.service(ns, desired.getMetadata().getName()).orElse(null);
        if (current == null) {
            create(desired);
            return;
        }
        // Only the fields the operator controls; the cluster IP and node ports are the API server's. A Service
        // made by an older operator gets publishNotReadyAddresses on upgrade.
        String desiredType = Objects.requireNonNullElse(desired.getSpec().getType(), "ClusterIP");
        boolean notReadyToo = Boolean.TRUE.equals(desired.getSpec().getPublishNotReadyAddresses());
        if (!Objects.equals(current.getSpec().getSelector(), desired.getSpec().getSelector())
                || !Objects.equals(Objects.requireNonNullElse(current.getSpec().getType(), "ClusterIP"), desiredType)
                || Boolean.TRUE.equals(current.getSpec().getPublishNotReadyAddresses()) != notReadyToo) {
            Service edited = client.services()
                    .inNamespace(ns)
                    .withName(desired.getMetadata().getName())
                    .edit(s -> {
                        s.getSpec().setSelector(desired.getSpec().getSelector());
                        s.getSpec().setType(desiredType);
                        s.getSpec().setPublishNotReadyAddresses(notReadyToo ? Boolean.TRUE : null);
                        return s;
                    });
            caches.updated(edited, current);
        }
    }
}
