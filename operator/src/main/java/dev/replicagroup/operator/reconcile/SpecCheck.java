package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import java.util.Optional;

/**
 * The spec rules the CRD's schema and CEL also enforce, checked again here: an API server without CEL
 * (or an object stored before the rule) must get a clear error in status, not a crashing reconciler.
 */
public final class SpecCheck {
    private SpecCheck() {
    }

    public static Optional<String> problem(ReplicaGroupSpec spec) {
        if (spec == null) {
            return Optional.of("spec is missing");
        }
        if (spec.getReplicas() < 1) {
            return Optional.of("replicas must be at least 1, got " + spec.getReplicas());
        }
        if (spec.getSyncAcks() < 0 || spec.getSyncAcks() >= spec.getReplicas()) {
            return Optional.of("syncAcks must be between 0 and replicas - 1 (" + (spec.getReplicas() - 1) + "), got "
                    + spec.getSyncAcks());
        }
        if (spec.getReadinessProbe() == null || spec.getFailover() == null) {
            return Optional.of("readinessProbe and failover must be objects");
        }
        return Optional.empty();
    }
}
