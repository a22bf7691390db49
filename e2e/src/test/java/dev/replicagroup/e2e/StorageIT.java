package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.GroupStatus;
import dev.replicagroup.e2e.support.LoadRun;
import dev.replicagroup.e2e.support.Operator;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * spec.storage (docs/storage.md) with k8s/examples/replicagroup-storage.yaml: a group whose pods are all deleted at
 * once comes back from its volumes with every acknowledged write, and a member whose volume was deleted is rebuilt
 * from the primary. Needs a default StorageClass in the cluster.
 */
@ExtendWith(TestNamespace.class)
class StorageIT {
    private static final int REPLICAS = 3;

    private static Group deploy(TestNamespace ns) {
        Operator.install(ns);
        Group group = Group.apply(ns, Settings.repoRoot().resolve("k8s/examples/replicagroup-storage.yaml"));
        group.awaitSettled(REPLICAS, Settings.SETTLE);
        return group;
    }

    private static String claimUid(Group group, String pod) {
        return group.kubectlOutput("get", "pvc", pod + "-data", "-o", "jsonpath={.metadata.uid}")
                .trim();
    }

    @Test
    void everyPodDeletedAtOnceUnderLoadComesBackWithEveryAcknowledgedWrite(TestNamespace ns) throws Exception {
        Group group = deploy(ns);
        GroupStatus before = group.status();
        Set<String> claims = Set.of(claimUid(group, "demo-0"), claimUid(group, "demo-1"), claimUid(group, "demo-2"));
        try (LoadRun load = LoadRun.start(group.primaryServiceAddress(), 2)) {
            Thread.sleep(Settings.STEADY.toMillis());
            Set<String> events = group.eventUids();
            group.kubectl("delete", "pods", "-l", Group.GROUP_LABEL + "=" + group.name(), "--wait=false");
            // Events first: right after the deletion the old pods may still look Ready, and status settled.
            group.awaitNewEvent("MemberRestored", events, m -> true, Settings.SETTLE);
            group.awaitNewEvent("FailoverCompleted", events, m -> true, Settings.SETTLE);
            GroupStatus after = group.awaitSettled(REPLICAS, Settings.SETTLE);
            assertTrue(after.term() > before.term(), "the restart promoted a member in a new term");
            assertTrue(
                    group.events("DataLost").stream()
                            .noneMatch(e -> !events.contains(e.getMetadata().getUid())),
                    "nothing was lost, so nothing says so");
            assertEquals(
                    claims,
                    Set.of(claimUid(group, "demo-0"), claimUid(group, "demo-1"), claimUid(group, "demo-2")),
                    "every member came back on its own volume");

            LoadRun.Result result = load.stop();
            assertTrue(result.report().ok() > 0, "the load wrote before and after the restart");
            LoadRun.assertNoneLost(load.lostWrites(result.report()), result);
            LoadRun.assertNoStaleRead(result);
        }
    }

    @Test
    void aMemberWhoseVolumeWasDeletedIsRebuiltFromThePrimary(TestNamespace ns) throws Exception {
        Group group = deploy(ns);
        String primary = group.status().currentPrimary();
        String helper = group.pods().stream()
                .map(p -> p.getMetadata().getName())
                .filter(p -> !p.equals(primary))
                .findFirst()
                .orElseThrow();
        String oldClaim = claimUid(group, helper);
        try (LoadRun load = LoadRun.start(group.primaryServiceAddress(), 2)) {
            Thread.sleep(Settings.STEADY.toMillis());
            Set<String> events = group.eventUids();
            // The claim goes once its pod is gone (pvc-protection); the operator makes both anew.
            group.kubectl("delete", "pvc", helper + "-data", "--wait=false");
            group.kubectl("delete", "pod", helper, "--wait=false");
            // Its replacement (the next free ordinal while the old pod still holds its name) joins with --tbc.
            group.awaitNewEvent("ScaledUp", events, m -> true, Settings.EVENT_WAIT);
            GroupStatus after = group.awaitSettled(REPLICAS, Settings.SETTLE);
            assertEquals(primary, after.currentPrimary(), "losing a helper's volume moves no primary");
            for (var pod : group.pods()) {
                assertNotEquals(
                        oldClaim,
                        claimUid(group, pod.getMetadata().getName()),
                        "every member runs on a volume of its own; the deleted one is gone");
            }

            LoadRun.Result result = load.stop();
            LoadRun.assertNoneLost(load.lostWrites(result.report()), result);
            LoadRun.assertNoStaleRead(result);
        }
    }
}
