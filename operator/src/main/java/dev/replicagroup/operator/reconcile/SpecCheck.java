package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.FailoverSpec;
import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import java.util.Optional;

/**
 * The spec rules the CRD's schema and CEL also enforce, checked again here: an API server without CEL
 * (or an object stored before the rule) must get a clear error in status, not a crashing reconciler.
 */
public final class SpecCheck {
    private SpecCheck() {}

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
        return timing(spec.getFailover());
    }

    /** The timing inequality of operator/README.md; the replica refuses to start without it. */
    static Optional<String> timing(FailoverSpec f) {
        if (f.getHeartbeatMillis() < 1 || f.getClockDriftMillis() < 0) {
            return Optional.of("failover.heartbeatMillis must be positive and clockDriftMillis not negative, got "
                    + f.getHeartbeatMillis() + " and " + f.getClockDriftMillis());
        }
        if (f.getLeaseMillis() + f.getClockDriftMillis() >= f.getDetectionMillis()) {
            return Optional.of("failover.leaseMillis + clockDriftMillis (" + f.getLeaseMillis() + " + "
                    + f.getClockDriftMillis() + ") must be less than detectionMillis (" + f.getDetectionMillis()
                    + "): an isolated primary must stop serving before its helpers report it lost");
        }
        if (2L * f.getHeartbeatMillis() > f.getLeaseMillis()) {
            return Optional.of(
                    "failover.leaseMillis (" + f.getLeaseMillis() + ") must be at least 2 * heartbeatMillis ("
                            + f.getHeartbeatMillis() + "): one lost heartbeat must not end the lease");
        }
        return Optional.empty();
    }
}
