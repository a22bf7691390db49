package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.e2e.support.Deployed;
import dev.replicagroup.e2e.support.FailoverCheck;
import dev.replicagroup.e2e.support.Faults;
import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.GroupStatus;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Instant;
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
        List<Event> completed = group.events("FailoverCompleted").stream()
                .filter(e -> e.getMessage().contains("in term " + healed.term() + " "))
                .toList();
        if (next.equals(killed)) {
            // The kubelet restarted the killed container before the standby's turn, and the new process, whose
            // identity is the Lease holder's, took it at once: a takeover by a new process all the same, if the
            // failover was completed after that process started.
            Instant restartedAt = deployed.operator().pod(killed).getStatus().getContainerStatuses().stream()
                    .filter(c -> c.getRestartCount() > 0 && c.getState().getRunning() != null)
                    .map(c -> Instant.parse(c.getState().getRunning().getStartedAt()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the killed operator pod " + killed
                            + " holds the Lease but its container did not restart"));
            completed.forEach(e -> assertTrue(
                    Instant.parse(e.getEventTime().getTime()).isAfter(restartedAt),
                    "FailoverCompleted at " + e.getEventTime().getTime() + " by the killed pod's process before its"
                            + " restart at " + restartedAt + ": the test did not exercise a takeover"));
        } else {
            assertNotEquals(killed, next, "another operator pod holds the Lease");
        }
        List<String> completedBy =
                completed.stream().map(Event::getReportingInstance).toList();
        assertEquals(
                List.of(next),
                completedBy,
                "the failover to term " + healed.term() + " was completed by the new leader " + next
                        + " (an event by the killed " + killed + " means it finished before it died, and the"
                        + " test did not exercise a takeover)");
    }
}
