package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.replicagroup.e2e.support.Deployed;
import dev.replicagroup.e2e.support.FailoverCheck;
import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's leader dies in the middle of a failover: the other operator pod takes the Lease and the
 * failover, whose step is kept in the ReplicaGroup status, still completes.
 */
@ExtendWith(TestNamespace.class)
class OperatorLeaderFailoverIT {

    @Test
    void failoverCompletesWhenTheOperatorLeaderIsDeleted(TestNamespace ns) throws Exception {
        Deployed deployed = Deployed.example(ns);
        Group group = deployed.group();
        String[] deleted = new String[1];

        FailoverCheck.run(ns, deployed, "leader-deleted", Settings.LEADER_LOSS_CEILING, (d, primary) -> {
            deleted[0] = d.operator().awaitLeader();
            group.kubectl("delete", "pod", primary, "--wait=false");
            // Delete the leader as soon as the failover is visibly under way (its step is in status), so it
            // dies mid-failover rather than before noticing or after finishing.
            Group.await("the failover under way", Settings.FAILOVER_WAIT)
                    .pollInterval(Duration.ofMillis(50))
                    .until(group::status, s -> s.failoverUnderWay() || !primary.equals(s.currentPrimary()));
            group.kubectl("delete", "pod", deleted[0], "--wait=false", "--grace-period=1");
        });
        String next = deployed.operator().awaitLeader();
        assertNotEquals(deleted[0], next, "another operator pod holds the Lease");
    }
}
