package dev.replicagroup.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import dev.replicagroup.operator.crd.StorageSpec;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpecCheckTest {
    private static ReplicaGroupSpec spec(int replicas, int syncAcks) {
        ReplicaGroupSpec spec = new ReplicaGroupSpec();
        spec.setReplicas(replicas);
        spec.setSyncAcks(syncAcks);
        return spec;
    }

    @Test
    void theDefaultsAreValid() {
        assertEquals(Optional.empty(), SpecCheck.problem(new ReplicaGroupSpec()));
        assertEquals(Optional.empty(), SpecCheck.problem(spec(1, 0)));
    }

    @Test
    void syncAcksMustBeBelowReplicas() {
        assertTrue(SpecCheck.problem(spec(3, 3)).orElseThrow().contains("syncAcks"));
        assertTrue(SpecCheck.problem(spec(1, 1)).isPresent());
    }

    @Test
    void replicasMustBePositive() {
        assertTrue(SpecCheck.problem(spec(0, 0)).orElseThrow().contains("replicas"));
    }

    @Test
    void anIsolatedPrimaryMustStopServingBeforeItsHelpersReportItLost() {
        ReplicaGroupSpec spec = new ReplicaGroupSpec();
        spec.getFailover().setLeaseMillis(800);
        assertEquals(
                Optional.of(
                        "failover.leaseMillis + clockDriftMillis (800 + 200) must be less than"
                                + " detectionMillis (1000): an isolated primary must stop serving before its helpers report it lost"),
                SpecCheck.problem(spec));
        spec.getFailover().setClockDriftMillis(199);
        assertEquals(Optional.empty(), SpecCheck.problem(spec));
    }

    @Test
    void aLeaseMustOutlastOneLostHeartbeat() {
        ReplicaGroupSpec spec = new ReplicaGroupSpec();
        spec.getFailover().setHeartbeatMillis(251);
        assertTrue(SpecCheck.problem(spec).orElseThrow().contains("at least 2 * heartbeatMillis (251)"));
        spec.getFailover().setHeartbeatMillis(250);
        assertEquals(Optional.empty(), SpecCheck.problem(spec));
        spec.getFailover().setHeartbeatMillis(0);
        assertTrue(SpecCheck.problem(spec).orElseThrow().contains("heartbeatMillis must be positive"));
    }

    @Test
    void storageNeedsAPositiveSize() {
        ReplicaGroupSpec spec = new ReplicaGroupSpec();
        spec.setStorage(new StorageSpec());
        assertTrue(SpecCheck.problem(spec).orElseThrow().contains("storage.size is required"));
        spec.getStorage().setSize("lots");
        assertTrue(SpecCheck.problem(spec).orElseThrow().contains("a quantity such as 1Gi"));
        spec.getStorage().setSize("0");
        assertTrue(SpecCheck.problem(spec).orElseThrow().contains("more than 0"));
        spec.getStorage().setSize("1Gi");
        assertEquals(Optional.empty(), SpecCheck.problem(spec));
    }
}
