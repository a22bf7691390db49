package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.e2e.support.Deployed;
import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.GroupStatus;
import dev.replicagroup.e2e.support.LoadRun;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** kubectl scale through the scale subresource: helpers come and go, the primary stays, writes go on. */
@ExtendWith(TestNamespace.class)
class ScaleIT {

    @Test
    void scalesThreeToFiveToTwoKeepingThePrimary(TestNamespace ns) throws Exception {
        Deployed deployed = Deployed.example(ns);
        Group group = deployed.group();
        String primary = deployed.status().currentPrimary();
        String primaryUid = group.pod(primary).getMetadata().getUid();

        try (LoadRun load = LoadRun.start(group.primaryServiceAddress(), 2)) {
            Set<String> before = group.seenEvents();
            group.kubectl("scale", "rg", group.name(), "--replicas=5");
            GroupStatus five = group.awaitSettled(5, Settings.SETTLE);
            assertEquals(primary, five.currentPrimary(), "scaling up keeps the primary");
            group.awaitNewEvent("ScaledUp", before, m -> true, Settings.EVENT_WAIT);

            before = group.seenEvents();
            group.kubectl("scale", "rg", group.name(), "--replicas=2");
            GroupStatus two = group.awaitSettled(2, Settings.SETTLE);
            assertEquals(primary, two.currentPrimary(), "scaling down keeps the primary");
            assertEquals(
                    primaryUid, group.pod(primary).getMetadata().getUid(), "the primary pod itself was never replaced");
            assertEquals(deployed.status().term(), two.term(), "no failover happened");
            group.awaitNewEvent("ScaledDown", before, m -> true, Settings.EVENT_WAIT);

            LoadRun.Result result = load.stop();
            assertTrue(result.report().ok() > 0, "the load wrote while the group was scaled");
            LoadRun.assertNoneLost(load.lostWrites(result.report()), result);
            LoadRun.assertNoStaleRead(result);
            load.assertLinearizable();
        }
    }
}
