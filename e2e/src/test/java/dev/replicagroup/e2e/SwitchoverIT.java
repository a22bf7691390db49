package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.e2e.support.Deployed;
import dev.replicagroup.e2e.support.FailoverSteps;
import dev.replicagroup.e2e.support.FailoverTimes;
import dev.replicagroup.e2e.support.Faults;
import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.GroupStatus;
import dev.replicagroup.e2e.support.LoadRun;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Planned switchover with the annotation: the chosen helper becomes primary, no write lost. */
@ExtendWith(TestNamespace.class)
class SwitchoverIT {

    @Test
    void promoteAnnotationMovesThePrimary(TestNamespace ns) throws Exception {
        Deployed deployed = Deployed.example(ns);
        Group group = deployed.group();
        String old = deployed.status().currentPrimary();
        String target = Faults.lastHelper(deployed, old);
        Set<String> before = group.seenEvents();

        try (LoadRun load = LoadRun.start(group.primaryServiceAddress(), 4)) {
            Thread.sleep(3000);
            long requested = System.nanoTime();
            Instant requestedWall = Instant.now();
            group.kubectl("annotate", "rg", group.name(), "replicagroup.dev/promote=" + target);
            group.awaitNewEvent("SwitchoverCompleted", before, m -> m.contains(target), Settings.SETTLE);
            GroupStatus after = Group.awaitStatus(
                    group,
                    "the Service repointed to " + target,
                    s -> target.equals(s.currentPrimary()) && group.primaryEndpointIs(target));
            assertTrue(after.term() > deployed.status().term(), "a switchover raises the term");
            Thread.sleep(3000);

            LoadRun.Result result = load.stop();
            LoadRun.assertNoneLost(load.lostWrites(result.report()), result);
            LoadRun.assertNoStaleRead(result);
            load.assertLinearizable();
            FailoverTimes.record(
                    "switchover",
                    result.recoveryAfter(requested),
                    old,
                    target,
                    after.term(),
                    FailoverSteps.of(group, requestedWall, old));
        }
        GroupStatus healed = group.awaitSettled(Deployed.EXAMPLE_REPLICAS, Settings.SETTLE);
        assertEquals(target, healed.currentPrimary());
        assertEquals(
                "helper",
                group.pod(old).getMetadata().getLabels().get(Group.ROLE_LABEL),
                "the old primary is a helper now");
    }
}
