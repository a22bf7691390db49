package dev.replicagroup.operator.resources;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.StorageSpec;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Optional;

/**
 * A member's PersistentVolumeClaim ({@code <pod>-data}). Made by the operator, not from a StatefulSet template,
 * because the operator makes the pods; it outlives its pod, so the pod of the same ordinal mounts it again.
 */
public final class ReplicaClaims {
    public static final String STORAGE = "storage";

    private ReplicaClaims() {}

    public static PersistentVolumeClaim build(ReplicaGroup group, String pod) {
        StorageSpec storage = group.getSpec().getStorage();
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(Names.claim(pod))
                .withNamespace(group.getMetadata().getNamespace())
                .withLabels(Labels.common(group, "data"))
                .withOwnerReferences(owners(group))
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withVolumeMode("Filesystem")
                .withStorageClassName(storage.getStorageClassName())
                .withNewResources()
                .addToRequests(STORAGE, new Quantity(storage.getSize()))
                .endResources()
                .endSpec()
                .build();
    }

    /**
     * Owned by the group, so deleting the group deletes its volumes; with retainOnDelete no owner, so they
     * survive it and a new group of the same name finds them (by label, see {@link Caches}).
     */
    public static List<OwnerReference> owners(ReplicaGroup group) {
        return group.getSpec().getStorage().isRetainOnDelete() ? List.of() : List.of(Owners.of(group));
    }

    /** The size the claim asks for (what a resize changes), if it says. */
    public static Optional<Quantity> requested(PersistentVolumeClaim claim) {
        return Optional.ofNullable(claim.getSpec())
                .map(s -> s.getResources())
                .map(r -> r.getRequests())
                .map(r -> r.get(STORAGE));
    }
}
