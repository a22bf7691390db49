package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.e2e.support.Deployed;
import dev.replicagroup.e2e.support.FailoverCheck;
import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.GroupStatus;
import dev.replicagroup.e2e.support.LoadRun;
import dev.replicagroup.e2e.support.PrimaryLabelMonitor;
import dev.replicagroup.e2e.support.Recovery;
import dev.replicagroup.e2e.support.ServingMonitor;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * spec.image changed under load to a second tag of the replica image (the same image under another name, so no
 * second build: scripts/build-images.sh): every pod is replaced, the helpers first, the primary moved by one
 * switchover and replaced last; nothing acknowledged is lost, no read is stale, never two primaries.
 */
@ExtendWith(TestNamespace.class)
class RollingUpdateIT {
    private static final String REVISION_LABEL = "replicagroup.dev/revision";

    @Test
    void anImageChangeReplacesEveryPodWithOneSwitchover(TestNamespace ns) throws Exception {
        Deployed deployed = Deployed.example(ns);
        Group group = deployed.group();
        GroupStatus before = deployed.status();
        String oldRevision = revision(group, "updateRevision");
        Set<String> oldPods =
                group.pods().stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
        Set<String> earlierEvents = group.seenEvents();
        String image = Settings.nextReplicaImage();

        Duration took;
        LoadRun.Result result;
        try (PrimaryLabelMonitor labels = new PrimaryLabelMonitor(ns, group);
                ServingMonitor serving = new ServingMonitor(group);
                LoadRun load = LoadRun.start(group.primaryServiceAddress(), Settings.LOAD_CLIENTS)) {
            Thread.sleep(Settings.STEADY.toMillis());
            long changed = System.nanoTime();
            group.kubectl(
                    "patch", "rg", group.name(), "--type=merge", "-p", "{\"spec\":{\"image\":\"" + image + "\"}}");
            group.awaitNewEvent("RollingUpdateStarted", earlierEvents, m -> true, Settings.EVENT_WAIT);
            group.awaitNewEvent("RollingUpdateCompleted", earlierEvents, m -> true, Settings.ROLLING_UPDATE_WAIT);
            took = Duration.ofNanos(System.nanoTime() - changed);
            Thread.sleep(Settings.STEADY.toMillis());

            result = load.stop();
            FailoverCheck.assertSafe(load, result, labels, serving);
            Recovery recovery = result.recoveryAfter(changed);
            assertTrue(recovery.recovered(), "writes were acknowledged during the update");
            System.out.println("e2e: rolling-update: image change to RollingUpdateCompleted " + took.toMillis()
                    + " ms; the longest stretch without an acknowledged write "
                    + recovery.outage().toMillis()
                    + " ms; " + result.report().summary());
        }

        GroupStatus after = group.awaitSettled(Deployed.EXAMPLE_REPLICAS, Settings.SETTLE);
        group.events().stream()
                .filter(e -> Group.isNew(e, earlierEvents))
                // In the order written: the API server's resourceVersions grow (a diagnostic, not an assertion).
                .sorted(Comparator.comparingLong(
                        e -> Long.parseLong(e.getMetadata().getResourceVersion())))
                .forEach(e -> System.out.println("e2e: rolling-update: " + e.getReason() + ": " + e.getMessage()));
        assertEquals(before.term() + 1, after.term(), "one switchover: the term went up by one, no failover");
        assertEquals(1, newEvents(group, "SwitchoverCompleted", earlierEvents), "exactly one switchover");
        assertEquals(1, newEvents(group, "FailoverStarted", earlierEvents), "no failover besides the switchover");
        assertNotEquals(before.currentPrimary(), after.currentPrimary(), "the primary moved to an updated helper");
        String newRevision = revision(group, "updateRevision");
        assertNotEquals(oldRevision, newRevision, "a new image is a new revision of the pod template");
        assertEquals(newRevision, revision(group, "currentRevision"), "the update completed");
        for (Pod pod : group.pods()) {
            String name = pod.getMetadata().getName();
            assertTrue(!oldPods.contains(pod.getMetadata().getUid()), name + " was replaced");
            assertEquals(newRevision, pod.getMetadata().getLabels().get(REVISION_LABEL), name + "'s revision");
            assertEquals(image, pod.getSpec().getContainers().get(0).getImage(), name + "'s image");
        }
    }

    private static long newEvents(Group group, String reason, Set<String> earlier) {
        return group.events(reason).stream()
                .filter(e -> Group.isNew(e, earlier))
                .count();
    }

    @SuppressWarnings("unchecked")
    private static String revision(Group group, String field) {
        Map<String, Object> status =
                (Map<String, Object>) group.resource().getAdditionalProperties().get("status");
        return (String) status.get(field);
    }
}
