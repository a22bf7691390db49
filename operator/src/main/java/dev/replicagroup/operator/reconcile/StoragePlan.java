package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import dev.replicagroup.operator.resources.ReplicaClaims;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What spec.storage asks of the volumes that exist. Pure: pods and claims in, a problem or the claims to grow out.
 * The CRD's transition rules refuse the same changes at admission; these catch an object the rules did not see
 * (an API server without them, a group recreated over retained claims).
 */
public final class StoragePlan {
    private StoragePlan() {}

    /** Why the spec cannot be carried out with the volumes and pods that exist, if it cannot. */
    public static Optional<String> problem(ReplicaGroupSpec spec, List<Pod> pods, List<PersistentVolumeClaim> claims) {
        boolean wanted = spec.getStorage() != null;
        List<String> mismatched = pods.stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> hasDataVolume(p) != wanted)
                .map(p -> p.getMetadata().getName())
                .sorted()
                .toList();
        if (!mismatched.isEmpty()) {
            return Optional.of(
                    wanted
                            ? "storage cannot be added to an existing group: " + String.join(", ", mismatched)
                                    + " keep their data in memory only; remove spec.storage, or create a new"
                                    + " ReplicaGroup with storage and move the data to it"
                            : "storage cannot be removed from a group: " + String.join(", ", mismatched)
                                    + " keep their data on volumes; put spec.storage back as it was");
        }
        if (!wanted) {
            return Optional.empty();
        }
        Quantity size = new Quantity(spec.getStorage().getSize());
        return claims.stream()
                .filter(c -> ReplicaClaims.requested(c)
                        .filter(r -> bytes(r).compareTo(bytes(size)) > 0)
                        .isPresent())
                .findFirst()
                .map(c -> "storage.size " + size + " is smaller than PVC "
                        + c.getMetadata().getName() + "'s "
                        + ReplicaClaims.requested(c).orElseThrow() + ": a volume cannot shrink; set storage.size"
                        + " back to at least " + ReplicaClaims.requested(c).orElseThrow());
    }

    /** The claims that ask for less than spec.storage.size (a size increase to apply), by name. */
    static List<PersistentVolumeClaim> toGrow(ReplicaGroupSpec spec, List<PersistentVolumeClaim> claims) {
        if (spec.getStorage() == null) {
            return List.of();
        }
        Quantity size = new Quantity(spec.getStorage().getSize());
        return claims.stream()
                .filter(c -> c.getMetadata().getDeletionTimestamp() == null)
                .filter(c -> ReplicaClaims.requested(c)
                        .filter(r -> bytes(r).compareTo(bytes(size)) < 0)
                        .isPresent())
                .sorted(Comparator.comparing(c -> c.getMetadata().getName()))
                .toList();
    }

    /** A size increase: the claims to grow, and why the others cannot (named with their class). */
    public record Resize(List<PersistentVolumeClaim> grow, List<String> refused) {}

    /** @param expandable whether a StorageClass allows volume expansion; empty when there is no such class */
    public static Resize resize(
            ReplicaGroupSpec spec, List<PersistentVolumeClaim> claims, Function<String, Optional<Boolean>> expandable) {
        List<PersistentVolumeClaim> grow = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (PersistentVolumeClaim claim : toGrow(spec, claims)) {
            // The claim's own class: the default class was filled in when it was made.
            String className = claim.getSpec().getStorageClassName();
            Optional<Boolean> allowed = className == null ? Optional.empty() : expandable.apply(className);
            if (allowed.orElse(false)) {
                grow.add(claim);
            } else {
                refused.add(claim.getMetadata().getName() + " ("
                        + (className == null
                                ? "no StorageClass"
                                : allowed.isEmpty()
                                        ? "StorageClass " + className + " not found"
                                        : "StorageClass " + className + " has no allowVolumeExpansion")
                        + ")");
            }
        }
        return new Resize(grow, refused);
    }

    static boolean hasDataVolume(Pod pod) {
        return pod.getSpec() != null
                && pod.getSpec().getVolumes() != null
                && pod.getSpec().getVolumes().stream().anyMatch(v -> v.getPersistentVolumeClaim() != null);
    }

    private static BigDecimal bytes(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity);
    }
}
