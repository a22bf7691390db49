package dev.replicagroup.operator.update;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import dev.replicagroup.operator.resources.Labels;
import java.util.Map;
import java.util.Optional;

/**
 * What pods are updated towards, and how: from the group's spec and annotations.
 *
 * @param revision the revision of the current pod template ({@code status.updateRevision})
 * @param onDelete {@code spec.updateStrategy: OnDelete}: a pod is replaced only when it is deleted
 * @param paused   the annotation {@value Labels#UPDATE_PAUSED_ANNOTATION}{@code =true} holds a rolling update
 */
public record UpdateTarget(String revision, boolean onDelete, boolean paused) {

    public static UpdateTarget of(ReplicaGroup group, String revision) {
        boolean paused = Optional.ofNullable(group.getMetadata().getAnnotations())
                .map((Map<String, String> a) -> a.get(Labels.UPDATE_PAUSED_ANNOTATION))
                .filter("true"::equalsIgnoreCase)
                .isPresent();
        return new UpdateTarget(
                revision, ReplicaGroupSpec.ON_DELETE.equals(group.getSpec().getUpdateStrategy()), paused);
    }
}
