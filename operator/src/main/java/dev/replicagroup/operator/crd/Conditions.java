package dev.replicagroup.operator.crd;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.Objects;
import java.util.Optional;

/** The group's status conditions, written as Kubernetes conventions ask. */
public final class Conditions {
    private Conditions() {}

    /** Sets a condition, keeping its lastTransitionTime unless its status changes. */
    public static void set(
            ReplicaGroupStatus status,
            String type,
            boolean value,
            String reason,
            String message,
            long generation,
            String now) {
        String text = value ? "True" : "False";
        Optional<Condition> old = status.getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst();
        String since = old.filter(c -> text.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .orElse(now);
        Condition condition = new ConditionBuilder()
                .withType(type)
                .withStatus(text)
                .withReason(reason)
                .withMessage(Objects.requireNonNullElse(message, ""))
                .withObservedGeneration(generation)
                .withLastTransitionTime(since)
                .build();
        status.getConditions().removeIf(c -> type.equals(c.getType()));
        status.getConditions().add(condition);
    }
}
