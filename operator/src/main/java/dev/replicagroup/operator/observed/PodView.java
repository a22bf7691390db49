package dev.replicagroup.operator.observed;

import dev.replicagroup.operator.resources.Labels;
import dev.replicagroup.operator.resources.Names;
import dev.replicagroup.operator.resources.ReplicaPods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.Optional;

/**
 * What the decisions need of a pod, taken out of the Kubernetes object so the decisions are plain functions.
 *
 * @param readySince  when the Ready condition last changed (its lastTransitionTime), if known
 * @param address     the replica's gRPC address (pod IP and the {@code grpc} container port), once it has an IP
 * @param revision    the revision of the pod template it was built from (label {@value Labels#REVISION}); empty
 *                    for a pod made by an operator from before revisions
 */
public record PodView(
        String name,
        int ordinal,
        String role,
        boolean ready,
        Optional<Instant> readySince,
        boolean terminating,
        boolean failed,
        Optional<String> address,
        Optional<String> revision) {

    public boolean isPrimaryLabelled() {
        return Labels.PRIMARY.equals(role);
    }

    public static PodView of(String group, Pod pod) {
        Optional<PodCondition> ready =
                pod.getStatus() == null || pod.getStatus().getConditions() == null
                        ? Optional.empty()
                        : pod.getStatus().getConditions().stream()
                                .filter(c -> "Ready".equals(c.getType()))
                                .findFirst();
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return new PodView(
                pod.getMetadata().getName(),
                Names.ordinal(group, pod.getMetadata().getName()).orElse(-1),
                pod.getMetadata().getLabels() == null
                        ? null
                        : pod.getMetadata().getLabels().get(Labels.ROLE),
                ready.map(c -> "True".equals(c.getStatus())).orElse(false),
                ready.map(PodCondition::getLastTransitionTime)
                        .filter(t -> t != null && !t.isBlank())
                        .map(Instant::parse),
                pod.getMetadata().getDeletionTimestamp() != null,
                "Failed".equals(phase) || "Succeeded".equals(phase),
                ReplicaPods.address(pod),
                pod.getMetadata().getLabels() == null
                        ? Optional.empty()
                        : Optional.ofNullable(pod.getMetadata().getLabels().get(Labels.REVISION)));
    }
}
