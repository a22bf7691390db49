package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.e2e.support.Deployed;
import dev.replicagroup.e2e.support.FailoverCheck;
import dev.replicagroup.e2e.support.HostProcess;
import dev.replicagroup.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The primary's pod deleted, its JVM killed, its JVM frozen, each while a load runs through the primary Service
 * (FailoverCheck has the checks; PartitionIT, NodeLossIT, PauseIT and OperatorLeaderFailoverIT the other faults).
 */
@ExtendWith(TestNamespace.class)
class FailoverIT {
    private static final String CONTAINER = "replica";

    @Test
    void primaryPodDeleted(TestNamespace ns) throws Exception {
        Deployed deployed = Deployed.example(ns);
        FailoverCheck.run(
                ns,
                deployed,
                "pod-deleted",
                (d, primary) -> d.group().kubectl("delete", "pod", primary, "--wait=false"));
    }

    /**
     * The JVM dies inside its container. Replica pods run with restartPolicy Never (a process restarted in place
     * would come back empty under the same name), so the pod ends Failed and the operator replaces it.
     */
    @Test
    void primaryJvmKilled(TestNamespace ns) throws Exception {
        Deployed deployed = Deployed.example(ns);
        String[] killed = new String[2];
        FailoverCheck.run(ns, deployed, "jvm-killed", (d, primary) -> {
            Pod pod = d.group().pod(primary);
            killed[0] = primary;
            killed[1] = pod.getMetadata().getUid();
            HostProcess.of(pod, CONTAINER).kill();
        });
        Pod after = deployed.group().pod(killed[0]);
        assertTrue(
                after == null || !after.getMetadata().getUid().equals(killed[1]),
                "the killed primary's pod was replaced, not restarted in place");
    }

    /** SIGSTOP: the process and its TCP port live on, only the gRPC readiness probe sees it hang. */
    @Test
    void primaryFrozen(TestNamespace ns) throws Exception {
        Deployed deployed = Deployed.example(ns);
        HostProcess[] frozen = new HostProcess[1];
        FailoverCheck.run(ns, deployed, "frozen-sigstop", new FailoverCheck.Fault() {
            @Override
            public void inject(Deployed d, String primary) {
                frozen[0] = HostProcess.of(d.group().pod(primary), CONTAINER);
                frozen[0].stop();
            }

            @Override
            public void afterFailover() {
                if (frozen[0] != null) {
                    frozen[0].resume(); // the old primary wakes in an old term and must rejoin as a helper
                }
            }
        });
    }
}
