package dev.replicagroup.e2e;

import dev.replicagroup.e2e.support.Deployed;
import dev.replicagroup.e2e.support.FailoverCheck;
import dev.replicagroup.e2e.support.Faults;
import dev.replicagroup.e2e.support.TestNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The primary cut off by the network while its process and its pod stay healthy: the kubelet's probes (from the
 * node) still pass, so only the group itself can notice. The partition is lifted after the failover and the old
 * primary must rejoin as a helper (FailoverCheck has the checks).
 */
@ExtendWith(TestNamespace.class)
class PartitionIT {

    /** Helpers ⇹ primary dropped both ways; the operator and the clients still reach the primary. */
    @Test
    void primaryPartitionedFromItsHelpers(TestNamespace ns) throws Exception {
        Deployed deployed = Deployed.example(ns);
        FailoverCheck.run(ns, deployed, "partition-helpers", Faults.partition(false));
    }

    /**
     * Helpers and operator pods ⇹ primary dropped both ways; only the clients on the node still reach it, so it
     * must step down by itself (its lease) before they can read anything stale from it.
     */
    @Test
    void primaryPartitionedFromItsHelpersAndTheOperator(TestNamespace ns) throws Exception {
        Deployed deployed = Deployed.example(ns);
        FailoverCheck.run(ns, deployed, "partition-all", Faults.partition(true));
    }
}
