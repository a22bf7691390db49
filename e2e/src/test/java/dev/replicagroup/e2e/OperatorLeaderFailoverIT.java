package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.replicagroup.e2e.support.Deployed;
import dev.replicagroup.e2e.support.FailoverCheck;
import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.GroupStatus;
import dev.replicagroup.e2e.support.HostProcess;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
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
        String[] killed = new String[1];

        GroupStatus healed =
                FailoverCheck.run(ns, deployed, "leader-killed", Settings.LEADER_LOSS_CEILING, (d, primary) -> {
                    killed[0] = d.operator().awaitLeader();
                    // Found before the fault, so that the kill follows the failover's start by one host call.
                    HostProcess leader = HostProcess.of(d.operator().pod(killed[0]), "operator");
                    group.kubectl("delete", "pod", primary, "--wait=false");
                    // Kill the leader once the failover is visibly under way (its step and term are in status) and
                    // before
                    // it finishes, so that it dies mid-failover.
                    GroupStatus underWay = Group.await("the failover under way", Settings.FAILOVER_WAIT)
                            .pollInterval(Duration.ofMillis(20))
                            .until(group::status, GroupStatus::failoverUnderWay);
                    leader.kill();
                    System.out.println("e2e: killed operator leader " + killed[0] + " in term " + underWay.term());
                });
        String next = deployed.operator().awaitLeader();
        assertNotEquals(killed[0], next, "another operator pod holds the Lease");
        List<String> completedBy = group.events("FailoverCompleted").stream()
                .filter(e -> e.getMessage().contains("in term " + healed.term() + " "))
                .map(Event::getReportingInstance)
                .toList();
        assertEquals(
                List.of(next),
                completedBy,
                "the failover to term " + healed.term() + " was completed by the new leader " + next
                        + " (an event by the killed " + killed[0] + " means it finished before it died, and the"
                        + " test did not exercise a takeover)");
    }
}
