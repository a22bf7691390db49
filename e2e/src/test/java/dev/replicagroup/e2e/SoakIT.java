package dev.replicagroup.e2e;

import dev.replicagroup.e2e.support.Deployed;
import dev.replicagroup.e2e.support.Soak;
import dev.replicagroup.e2e.support.SoakPlan;
import dev.replicagroup.e2e.support.TestNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Consecutive faults of mixed kinds on one group under load (Soak has the checks). In `make test` one of each kind
 * in a random order (the seed printed); `make soak FAULTS=100 SEED=...` (bench/soak.sh) runs the long one.
 */
@ExtendWith(TestNamespace.class)
class SoakIT {

    @Test
    void faultsOneAfterAnotherOnOneGroup(TestNamespace ns) throws Exception {
        Soak.run(ns, Deployed.example(ns), SoakPlan.fromSettings());
    }
}
