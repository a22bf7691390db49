package dev.replicagroup.operator.resources;

import dev.replicagroup.operator.crd.ReplicaGroup;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.controller.ControllerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's view of Kubernetes: JOSDK informer caches of the groups and of everything it owns (pods,
 * Services, the PodDisruptionBudget, the admin-token Secret and with spec.tls
 * the CA and certificate Secrets), so a reconcile reads nothing from the API server.
 * Owned objects are watched by the {@code managed-by} label and mapped to their group by owner reference; the
 * members' volume claims by their group label instead, since a retained claim has no owner (spec.storage).
 *
 * <p>What the operator writes goes into the caches at once ({@code handleRecent...}, JOSDK's temporary cache),
 * so the next pass reads its own writes even before the watch event arrives: a pod just created is never
 * created twice, and a status just written is what the next decision starts from (its resourceVersion is
 * the one the next optimistic-concurrency write carries).
 */
@ApplicationScoped
public class Caches {
    private volatile InformerEventSource<Pod, ReplicaGroup> pods;
    private volatile InformerEventSource<Service, ReplicaGroup> services;
    private volatile InformerEventSource<PodDisruptionBudget, ReplicaGroup> budgets;
    private volatile InformerEventSource<Secret, ReplicaGroup> secrets;
    private volatile InformerEventSource<PersistentVolumeClaim, ReplicaGroup> claims;
    private volatile ControllerEventSource<ReplicaGroup> groups;
    private volatile IndexerResourceCache<ReplicaGroup> allGroups;

    /** The informers the reconciler registers (each also triggers a reconcile of the owning group). */
    public List<EventSource<?, ReplicaGroup>> eventSources(EventSourceContext<ReplicaGroup> context) {
        allGroups = context.getPrimaryCache();
        pods = new InformerEventSource<>(owned(Pod.class), context);
        services = new InformerEventSource<>(owned(Service.class), context);
        budgets = new InformerEventSource<>(owned(PodDisruptionBudget.class), context);
        secrets = new InformerEventSource<>(owned(Secret.class), context);
        claims = new InformerEventSource<>(labelled(PersistentVolumeClaim.class, Caches::groupOfClaim), context);
        return List.of(pods, services, budgets, secrets, claims);
    }

    private static <R extends HasMetadata> InformerEventSourceConfiguration<R> owned(Class<R> type) {
        return labelled(type, Mappers.fromOwnerReferences(ReplicaGroup.class));
    }

    private static <R extends HasMetadata> InformerEventSourceConfiguration<R> labelled(
            Class<R> type, SecondaryToPrimaryMapper<R> toGroup) {
        return InformerEventSourceConfiguration.from(type, ReplicaGroup.class)
                .withName(type.getSimpleName().toLowerCase(Locale.ROOT))
                .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.OPERATOR)
                .withSecondaryToPrimaryMapper(toGroup)
                .withNamespacesInheritedFromController()
                .build();
    }

    /** A claim's group is its group label (a claim without one is not a member's and maps to none). */
    private static Set<ResourceID> groupOfClaim(PersistentVolumeClaim claim) {
        String group = claim.getMetadata().getLabels() == null
                ? null
                : claim.getMetadata().getLabels().get(Labels.GROUP);
        return group == null
                ? Set.of()
                : Set.of(new ResourceID(group, claim.getMetadata().getNamespace()));
    }

    /** Remembers the groups' own cache (the controller's event source), which only a reconcile's context offers. */
    public void attach(Context<ReplicaGroup> context) {
        if (groups == null) {
            groups = context.eventSourceRetriever().getControllerEventSource();
        }
    }

    /**
     * Every group in the cache. The informers run on a standby operator too (the reconciler does nothing
     * there until this process leads), so this is filled before this process leads.
     */
    public List<ReplicaGroup> groups() {
        IndexerResourceCache<ReplicaGroup> cache = allGroups;
        return cache == null ? List.of() : cache.list().toList();
    }

    /** The group's pods (by owner reference and group label), including any this operator just created. */
    public List<Pod> pods(ReplicaGroup group) {
        String name = group.getMetadata().getName();
        return pods.getSecondaryResources(group).stream()
                .filter(p -> p.getMetadata().getLabels() != null
                        && name.equals(p.getMetadata().getLabels().get(Labels.GROUP)))
                .toList();
    }

    /** The group's volume claims (by group label: owned, or retained from an earlier group of the same name). */
    public List<PersistentVolumeClaim> claims(ReplicaGroup group) {
        return claims.getSecondaryResources(group).stream().toList();
    }

    public Optional<Pod> pod(String namespace, String name) {
        return pods.get(new ResourceID(name, namespace));
    }

    public Optional<Service> service(String namespace, String name) {
        return services.get(new ResourceID(name, namespace));
    }

    public Optional<PodDisruptionBudget> disruptionBudget(String namespace, String name) {
        return budgets.get(new ResourceID(name, namespace));
    }

    public Optional<Secret> secret(String namespace, String name) {
        return secrets.get(new ResourceID(name, namespace));
    }

    /** An object the operator just created, returned by the API. */
    public void created(HasMetadata created) {
        ResourceID id = ResourceID.fromResource(created);
        if (created instanceof Pod p) {
            pods.handleRecentResourceCreate(id, p);
        } else if (created instanceof Service s) {
            services.handleRecentResourceCreate(id, s);
        } else if (created instanceof PodDisruptionBudget b) {
            budgets.handleRecentResourceCreate(id, b);
        } else if (created instanceof Secret s) {
            secrets.handleRecentResourceCreate(id, s);
        } else if (created instanceof PersistentVolumeClaim c) {
            claims.handleRecentResourceCreate(id, c);
        }
    }

    /** An object the operator just changed: the API's answer, and the object as it was before. */
    public <R extends HasMetadata> void updated(R updated, R previous) {
        ResourceID id = ResourceID.fromResource(updated);
        if (updated instanceof Pod p) {
            pods.handleRecentResourceUpdate(id, p, (Pod) previous);
        } else if (updated instanceof Service s) {
            services.handleRecentResourceUpdate(id, s, (Service) previous);
        } else if (updated instanceof Secret s) {
            secrets.handleRecentResourceUpdate(id, s, (Secret) previous);
        } else if (updated instanceof PersistentVolumeClaim c) {
            claims.handleRecentResourceUpdate(id, c, (PersistentVolumeClaim) previous);
        } else if (updated instanceof ReplicaGroup g && groups != null) {
            groups.handleRecentResourceUpdate(id, g, (ReplicaGroup) previous);
        }
    }
}
