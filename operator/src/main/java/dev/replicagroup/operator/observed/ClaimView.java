package dev.replicagroup.operator.observed;

import dev.replicagroup.operator.resources.Names;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.util.Optional;

/**
 * What the decisions need of a member's volume claim: whose it is, and whether it is going.
 *
 * @param member the pod it belongs to ({@code <group>-<ordinal>})
 */
public record ClaimView(String member, int ordinal, boolean terminating) {

    /** The view of a claim named {@code <group>-<ordinal>-data}; empty for a claim of another shape. */
    public static Optional<ClaimView> of(String group, PersistentVolumeClaim claim) {
        return Names.claimPod(claim.getMetadata().getName()).flatMap(pod -> {
            var ordinal = Names.ordinal(group, pod);
            return ordinal.isPresent()
                    ? Optional.of(new ClaimView(
                            pod, ordinal.getAsInt(), claim.getMetadata().getDeletionTimestamp() != null))
                    : Optional.empty();
        });
    }
}
