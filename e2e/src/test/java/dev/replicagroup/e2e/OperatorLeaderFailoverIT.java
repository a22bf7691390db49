package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.replicagroup.e2e.support.Deployed;
import dev.replicagroup.e2e.support.FailoverCheck;
import dev.replicagroup.e2e.support.Faults;
import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.GroupStatus;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's leader is killed (SIGKILL of its JVM, no chance to give the Lease up) in the middle of a
 * failover: the standby operator pod takes the Lease and the failover, whose step is kept in the ReplicaGroup
 * status, still completes. The failover's completion must be the standby's work (the event's reporting
 * instance), so the test cannot pass by the leader finishing before it died.
 */
@ExtendWith(TestNamespace.class)
class OperatorLeaderFailoverIT {

    @Test
    void failoverCompletesWhenTheOperatorLeaderIsKilled(TestNamespace ns) throws Exception {
        Deployed deployed = Deployed.example(ns);
        Group group = deployed.group();
        Faults.LeaderKilled fault = Faults.leaderKilled(Faults.podDeleted(), null);
        GroupStatus healed = FailoverCheck.run(ns, deployed, "leader-killed", Settings.LEADER_LOSS_CEILING, fault);
        String killed = fault.killed();
        String next = deployed.operator().awaitLeader();
        assertNotEquals(killed, next, "another operator pod holds the Lease");
        List<String> completedBy = group.events("FailoverCompleted").stream()
                .filter(e -> e.getMessage().contains("in term " + healed.term() + " "))
                .map(Event::getReportingInstance)
                .toList();
        assertEquals(
                List.of(next),
                completedBy,
                "the failover to term " + healed.term() + " was completed by the new leader " + next
                        + " (an event by the killed " + killed + " means it finished before it died, and the"
                        + " test did not exercise a takeover)");
    }
}
