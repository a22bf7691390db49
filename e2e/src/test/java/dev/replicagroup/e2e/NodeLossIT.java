package dev.replicagroup.e2e;

import dev.replicagroup.e2e.support.Deployed;
import dev.replicagroup.e2e.support.FailoverCheck;
import dev.replicagroup.e2e.support.HostProcess;
import dev.replicagroup.e2e.support.Kubelet;
import dev.replicagroup.e2e.support.TestNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stand-in for a lost node: the primary's JVM frozen and the kubelet stopped, so nothing reports the pod
 * NotReady (its status in the API goes stale, still Ready). The kubelet is resumed after the failover, or at the
 * latest after Settings.KUBELET_STOPPED_AT_MOST, long before the node controller would mark the node NotReady.
 */
@ExtendWith(TestNamespace.class)
class NodeLossIT {

    @Test
    void kubeletStoppedWhileThePrimaryIsFrozen(TestNamespace ns) throws Exception {
        Deployed deployed = Deployed.example(ns);
        FailoverCheck.run(ns, deployed, "kubelet-stopped", new FailoverCheck.Fault() {
            private HostProcess frozen;
            private Kubelet kubelet;

            @Override
            public void inject(Deployed d, String primary) {
                frozen = HostProcess.of(d.group().pod(primary), "replica");
                frozen.stop();
                kubelet = Kubelet.stop();
            }

            @Override
            public void afterFailover() {
                if (kubelet != null) {
                    kubelet.close();
                    kubelet = null;
                }
                if (frozen != null) {
                    frozen.resume(); // the old primary wakes in an old term and must rejoin as a helper
                    frozen = null;
                }
            }
        });
    }
}
