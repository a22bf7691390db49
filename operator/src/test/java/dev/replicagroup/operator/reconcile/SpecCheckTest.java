package dev.replicagroup.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.ReplicaGroupSpec;
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
}
