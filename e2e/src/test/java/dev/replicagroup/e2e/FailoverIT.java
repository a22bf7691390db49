package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.e2e.support.Deployed;
import dev.replicagroup.e2e.support.FailoverCheck;
import dev.replicagroup.e2e.support.Faults;
import dev.replicagroup.e2e.support.TestNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The primary's pod deleted, its JVM killed, its JVM frozen, each while a load runs through the primary Service
 * (FailoverCheck has the checks, Faults the faults; PartitionIT, NodeLossIT, PauseIT and OperatorLeaderFailoverIT
 * the other faults).
 */
@ExtendWith(TestNamespace.class)
class FailoverIT {

    @Test
    void primaryPodDeleted(TestNamespace ns) throws Exception {
        FailoverCheck.run(ns, Deployed.example(ns), "pod-deleted", Faults.podDeleted());
    }

    /** The pod ends Failed (restartPolicy Never) and the operator replaces it. */
    @Test
    void primaryJvmKilled(TestNamespace ns) throws Exception {
        Deployed deployed = Deployed.example(ns);
        Faults.JvmKilled killed = Faults.jvmKilled();
        FailoverCheck.run(ns, deployed, "jvm-killed", killed);
        assertTrue(killed.replaced(deployed.group()), "the killed primary's pod was replaced, not restarted in place");
    }

    /** SIGSTOP: only the gRPC readiness probe sees it hang; SIGCONT after the failover. */
    @Test
    void primaryFrozen(TestNamespace ns) throws Exception {
        FailoverCheck.run(ns, Deployed.example(ns), "frozen-sigstop", Faults.frozen());
    }
}
