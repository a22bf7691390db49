package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.Conditions;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupStatus;
import dev.replicagroup.operator.events.EventRecorder;
import dev.replicagroup.operator.events.Reason;
import dev.replicagroup.operator.resources.Caches;
import dev.replicagroup.operator.resources.ReplicaClaims;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Keeps the members' claims as spec.storage says: owned by the group unless retainOnDelete, and as large as
 * storage.size when their StorageClass allows volume expansion (the {@code StorageSizeApplied} condition and an
 * event say when it does not). Claims come from the cache; a StorageClass is read only while a claim is to grow.
 */
@ApplicationScoped
public class Volumes {
    public static final String SIZE_APPLIED = "StorageSizeApplied";

    private final KubernetesClient client;
    private final Caches caches;
    private final EventRecorder events;
    private final Clock clock;

    public Volumes(KubernetesClient client, Caches caches, EventRecorder events, Clock clock) {
        this.client = client;
        this.caches = caches;
        this.events = events;
        this.clock = clock;
    }

    public void sync(ReplicaGroup group) {
        if (group.getSpec().getStorage() == null) {
            return;
        }
        String ns = group.getMetadata().getNamespace();
        List<PersistentVolumeClaim> claims = caches.claims(group).stream()
                .filter(c -> c.getMetadata().getDeletionTimestamp() == null)
                .toList();
        List<OwnerReference> owners = ReplicaClaims.owners(group);
        for (PersistentVolumeClaim claim : claims) {
            if (owned(claim, group) == owners.isEmpty()) {
                edit(ns, claim, c -> c.getMetadata().setOwnerReferences(owners));
            }
        }
        Quantity size = new Quantity(group.getSpec().getStorage().getSize());
        Map<String, Optional<Boolean>> classes = new HashMap<>();
        StoragePlan.Resize resize = StoragePlan.resize(
                group.getSpec(), claims, name -> classes.computeIfAbsent(name, this::allowsExpansion));
        for (PersistentVolumeClaim claim : resize.grow()) {
            edit(ns, claim, c -> c.getSpec().getResources().getRequests().put(ReplicaClaims.STORAGE, size));
            events.record(
                    group,
                    Reason.VolumeExpanded,
                    "PVC " + claim.getMetadata().getName() + " grows from "
                            + ReplicaClaims.requested(claim).orElseThrow() + " to " + size);
        }
        List<String> refused = resize.refused();
        String message = refused.isEmpty()
                ? "every volume requests " + size
                : "storage.size " + size + " cannot be applied to " + String.join(", ", refused)
                        + ": use a StorageClass with allowVolumeExpansion: true, or set storage.size back";
        ReplicaGroupStatus status = group.getStatus();
        boolean changed = status.getConditions().stream()
                .noneMatch(c -> SIZE_APPLIED.equals(c.getType()) && message.equals(c.getMessage()));
        if (changed && !refused.isEmpty()) {
            events.record(group, Reason.VolumeNotExpandable, message);
        }
        Conditions.set(
                status,
                SIZE_APPLIED,
                refused.isEmpty(),
                refused.isEmpty() ? "Applied" : "NotExpandable",
                message,
                Optional.ofNullable(group.getMetadata().getGeneration()).orElse(0L),
                clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    private static boolean owned(PersistentVolumeClaim claim, ReplicaGroup group) {
        return claim.getMetadata().getOwnerReferences() != null
                && claim.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o ->
                                Objects.equals(o.getUid(), group.getMetadata().getUid()));
    }

    /** Whether the class allows expansion; empty when there is no such class. */
    private Optional<Boolean> allowsExpansion(String className) {
        StorageClass found =
                client.storage().v1().storageClasses().withName(className).get();
        return Optional.ofNullable(found).map(c -> Boolean.TRUE.equals(c.getAllowVolumeExpansion()));
    }

    private void edit(String ns, PersistentVolumeClaim claim, Consumer<PersistentVolumeClaim> change) {
        PersistentVolumeClaim edited = client.persistentVolumeClaims()
                .inNamespace(ns)
                .withName(claim.getMetadata().getName())
                .edit(c -> {
                    change.accept(c);
                    return c;
                });
        caches.updated(edited, claim);
    }
}
