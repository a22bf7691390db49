package dev.replicagroup.operator.failover;

import static dev.replicagroup.operator.Fixtures.address;
import static dev.replicagroup.operator.Fixtures.contact;
import static dev.replicagroup.operator.Fixtures.failover;
import static dev.replicagroup.operator.Fixtures.pod;
import static dev.replicagroup.operator.failover.PlannerFixtures.CTX;
import static dev.replicagroup.operator.failover.PlannerFixtures.obs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.observed.Observation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The promotion hold-off: what is left of the old primary's lease. */
class FailoverPlannerHoldoffTest {
    private static Failover promoteFromDemo0() {
        Failover promote = failover(FailoverStep.Promote, "demo-0", "demo-2", 4L);
        promote.setFromAddress(address(0));
        return promote;
    }

    private static long holdoff(Failover failover, long age1, long age2) {
        Observation fenced = obs(
                List.of(pod(1, "helper", true), pod(2, "helper", true)),
                Map.of("demo-1", contact(1, 4, 0, age1, age1 >= 1000), "demo-2", contact(2, 4, 0, age2, age2 >= 1000)));
        return ((FailoverAction.Promote) FailoverPlanner.next(failover, fenced, CTX)).holdoffMillis();
    }

    @Test
    void theHoldoffIsWhatIsLeftOfTheOldLeaseAfterTheQuorumLastHeardOfIt() {
        // Quorum 2 of 2: the smaller age bounds the old lease: 500 + 200 - 300.
        assertEquals(400, holdoff(promoteFromDemo0(), 300, 1200));
        assertEquals(0, holdoff(promoteFromDemo0(), 700, 1200));
        // A helper that never heard from it (restarted) counts as just now.
        assertEquals(700, holdoff(promoteFromDemo0(), -1, 1200));
    }

    @Test
    void noHoldoffWhenTheOldPrimaryItselfAnsweredTheFenceInThisTerm() {
        Failover fenced = promoteFromDemo0();
        fenced.setOldPrimaryFencedInTerm(4L);
        assertEquals(0, holdoff(fenced, 0, 0));
        // Fenced in an earlier attempt's term only: this term's hold-off still applies.
        fenced.setOldPrimaryFencedInTerm(3L);
        assertEquals(700, holdoff(fenced, 0, 0));
    }

    @Test
    void contactWithSomeOtherPrimaryTellsNothingAboutTheOldLease() {
        Failover unknownAddress = promoteFromDemo0();
        unknownAddress.setFromAddress(address(7));
        assertEquals(700, holdoff(unknownAddress, 1200, 1200));
    }

    @Test
    void theLargerOfTheSpecsAndTheReplicasLeaseCounts() {
        var shortSpec = new FailoverPlanner.Context(3, 2, 1, Map.of(), 100, 50);
        Observation fenced = obs(
                List.of(pod(1, "helper", true), pod(2, "helper", true)),
                Map.of("demo-1", contact(1, 4, 0, 0, false), "demo-2", contact(2, 4, 0, 0, false)));
        assertEquals(
                700,
                ((FailoverAction.Promote) FailoverPlanner.next(promoteFromDemo0(), fenced, shortSpec)).holdoffMillis());
    }
}
