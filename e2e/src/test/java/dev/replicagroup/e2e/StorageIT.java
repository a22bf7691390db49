package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.GroupStatus;
import dev.replicagroup.e2e.support.LoadRun;
import dev.replicagroup.e2e.support.Operator;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The storage example (k8s/examples/replicagroup-storage.yaml): a PVC per member on the cluster's default
 * StorageClass. Every pod deleted at once under load comes back with every acknowledged write; a member whose PVC
 * is deleted is replaced by a member of a new ordinal that catches up from the primary.
 */
@ExtendWith(TestNamespace.class)
class StorageIT {
    private static final int REPLICAS = 3;

    private static Group deploy(TestNamespace ns) {
        Operator.install(ns);
        Group group = Group.apply(ns, Settings.repoRoot().resolve("k8s/examples/replicagroup-storage.yaml"));
        group.awaitSettled(REPLICAS, Settings.SETTLE);
        List<PersistentVolumeClaim> claims = group.claims();
        assertEquals(
                List.of(group.name() + "-0-data", group.name() + "-1-data", group.name() + "-2-data"),
                claims.stream().map(c -> c.getMetadata().getName()).toList(),
                "one claim per member, named for it");
        assertTrue(
                claims.stream().allMatch(c -> "Bound".equals(c.getStatus().getPhase())),
                "every claim is bound by the cluster's provisioner");
        return group;
    }

    private static Map<String, String> uids(List<Pod> pods) {
        return pods.stream()
                .collect(Collectors.toMap(
                        p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    }

    @Test
    void everyPodDeletedAtOnceUnderLoadComesBackWithEveryAcknowledgedWrite(TestNamespace ns) throws Exception {
        Group group = deploy(ns);
        GroupStatus before = group.status();
        Map<String, String> podsBefore = uids(group.pods());
        Map<String, String> claimsBefore = group.claims().stream()
                .collect(Collectors.toMap(
                        c -> c.getMetadata().getName(), c -> c.getMetadata().getUid()));
        Set<String> eventsBefore = group.seenEvents();

        try (LoadRun load = LoadRun.start(group.primaryServiceAddress(), 4)) {
            Thread.sleep(3000);
            group.kubectl("delete", "pods", "-l", Group.GROUP_LABEL + "=" + group.name(), "--wait=false");
            Group.awaitStatus(group, "every pod replaced", s -> {
                Map<String, String> now = uids(group.pods());
                return now.size() == REPLICAS
                        && now.entrySet().stream().noneMatch(e -> e.getValue().equals(podsBefore.get(e.getKey())));
            });
            GroupStatus after = group.awaitSettled(REPLICAS, Settings.SETTLE);
            assertTrue(after.term() > before.term(), "the restarted members chose a primary in a new term");
            Thread.sleep(3000);

            LoadRun.Result result = load.stop();
            assertTrue(result.report().ok() > 0, "the load wrote before the restart");
            LoadRun.assertNoneLost(load.lostWrites(result.report()), result);
            LoadRun.assertNoStaleRead(result);
        }
        assertEquals(
                claimsBefore,
                group.claims().stream()
                        .collect(Collectors.toMap(
                                c -> c.getMetadata().getName(),
                                c -> c.getMetadata().getUid())),
                "the members came back on their own claims");
        assertTrue(
                group.events("DataLost").stream().noneMatch(e -> Group.isNew(e, eventsBefore)),
                "nothing was lost, so nothing says so");
    }

    @Test
    void aMemberWhoseClaimIsDeletedIsReplacedByANewMemberThatCatchesUp(TestNamespace ns) throws Exception {
        Group group = deploy(ns);
        String primary = group.status().currentPrimary();
        String helper = group.pods().stream()
                .map(p -> p.getMetadata().getName())
                .filter(n -> !n.equals(primary))
                .findFirst()
                .orElseThrow();

        try (LoadRun load = LoadRun.start(group.primaryServiceAddress(), 2)) {
            Thread.sleep(2000);
            // The claim stays (Terminating) while its pod uses it; deleting the pod lets it go. Its member's data
            // is gone: a member of a new ordinal, on a new claim, takes its place and catches up from the primary.
            group.kubectl("delete", "pvc", helper + "-data", "--wait=false");
            group.kubectl("delete", "pod", helper, "--wait=false");
            Group.awaitStatus(group, "a new member in place of " + helper + ", on a bound claim of its own", s -> {
                List<String> pods = group.pods().stream()
                        .map(p -> p.getMetadata().getName())
                        .toList();
                List<PersistentVolumeClaim> claims = group.claims();
                return pods.size() == REPLICAS
                        && !pods.contains(helper)
                        && claims.size() == REPLICAS
                        && claims.stream()
                                .allMatch(c -> "Bound".equals(c.getStatus().getPhase())
                                        && pods.contains(
                                                c.getMetadata().getName().replaceFirst("-data$", "")));
            });
            GroupStatus after = group.awaitSettled(REPLICAS, Settings.SETTLE);
            assertEquals(primary, after.currentPrimary(), "losing a helper's volume moves no primary");
            Thread.sleep(2000);

            LoadRun.Result result = load.stop();
            LoadRun.assertNoneLost(load.lostWrites(result.report()), result);
            LoadRun.assertNoStaleRead(result);
        }
    }
}
