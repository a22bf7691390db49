package dev.replicagroup.operator.it;

import static dev.replicagroup.operator.it.MockCluster.LONG;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.resources.Labels;
import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.ReplicaException;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Planned primary changes, against the fabric8 mock API server (CRUD mode) with real replicas: a switchover
 * to a named pod, and a rolling update of the pod template with one switchover.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlannedChangesTest extends MockClusterTest {
    @Test
    void aSwitchoverMovesThePrimaryToTheNamedPod() throws Exception {
        cluster.create("sw", 3, 1);
        cluster.awaitRunning("sw", 3);
        try (ReplicaClient kv = ReplicaClient.connect(cluster.addresses("sw"))) {
            kv.put("before", "1".getBytes(StandardCharsets.UTF_8));
        }
        // Writes go on during the switchover, so the named helper may lag when it starts: the hand-over must
        // bring it up to date, or the switchover would go to the other helper.
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try (ReplicaClient kv = ReplicaClient.connect(cluster.addresses("sw"))) {
                for (int i = 0; writing.get(); i++) {
                    kv.put("k" + (i % 50), Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                }
            } catch (ReplicaException e) {
                // The writer only makes load; what the switchover did is asserted below.
            }
        });
        writer.start();
        Thread.sleep(500);
        cluster.edit("sw", g -> {
            g.getMetadata().getAnnotations().put(Labels.PROMOTE_ANNOTATION, "sw-2");
            return g;
        });
        try {
            await().atMost(LONG)
                    .until(() -> !cluster.events("sw", "SwitchoverCompleted").isEmpty());
        } finally {
            writing.set(false);
            writer.join();
        }
        assertTrue(
                cluster.events("sw", "SwitchoverCompleted").get(0).getNote().startsWith("sw-2 is primary"),
                cluster.events("sw", "SwitchoverCompleted").get(0).getNote());
        ReplicaGroup group = cluster.awaitRunning("sw", 3);
        assertEquals("sw-2", group.getStatus().getCurrentPrimary());
        assertEquals(2, group.getStatus().getTerm());
        assertEquals(List.of("sw-2"), cluster.primaryLabelled("sw"));
        assertFalse(group.getMetadata().getAnnotations().containsKey(Labels.PROMOTE_ANNOTATION));
        assertTrue(group.getStatus().getLastFailover().isSwitchover());
        // The old primary was not replaced: the same pod follows the new primary.
        assertEquals("helper", cluster.pod("sw-0").getMetadata().getLabels().get(Labels.ROLE));
        assertEquals(Role.HELPER, cluster.kubelet.server("sw-0").node().view().role());
        try (ReplicaClient kv = ReplicaClient.connect(List.of(cluster.address("sw-2")))) {
            assertEquals(
                    "1", new String(kv.get(List.of("before")).get("before").orElseThrow(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aTemplateChangeReplacesEveryPodOnceItIsResumedWithOneSwitchover() {
        cluster.create("ru", 3, 1);
        ReplicaGroup running = cluster.awaitRunning("ru", 3);
        String before = running.getStatus().getUpdateRevision();
        assertEquals(before, running.getStatus().getCurrentRevision());
        List<String> uids =
                cluster.pods("ru").stream().map(p -> p.getMetadata().getUid()).toList();
        // Paused first: the new revision shows in status, and no pod goes.
        cluster.edit("ru", g -> {
            if (g.getMetadata().getAnnotations() == null) {
                g.getMetadata().setAnnotations(new HashMap<>());
            }
            g.getMetadata().getAnnotations().put(Labels.UPDATE_PAUSED_ANNOTATION, "true");
            g.getSpec().getReadinessProbe().setPeriodSeconds(2);
            return g;
        });
        await().atMost(LONG)
                .until(() ->
                        upToDate("ru").map(c -> c.getReason().equals("Paused")).orElse(false));
        ReplicaGroup paused = cluster.get("ru");
        assertNotEquals(before, paused.getStatus().getUpdateRevision());
        assertEquals(0, paused.getStatus().getUpdatedReplicas());
        assertEquals(
                uids,
                cluster.pods("ru").stream().map(p -> p.getMetadata().getUid()).toList());

        cluster.edit("ru", g -> {
            g.getMetadata().getAnnotations().remove(Labels.UPDATE_PAUSED_ANNOTATION);
            return g;
        });
        await().atMost(LONG)
                .until(() -> !cluster.events("ru", "RollingUpdateCompleted").isEmpty());
        ReplicaGroup group = cluster.awaitRunning("ru", 3);
        String after = group.getStatus().getUpdateRevision();
        assertEquals(after, group.getStatus().getCurrentRevision());
        assertEquals(3, group.getStatus().getUpdatedReplicas());
        assertEquals(2, group.getStatus().getTerm(), "one switchover");
        assertEquals(1, cluster.events("ru", "SwitchoverCompleted").size());
        assertEquals(1, cluster.events("ru", "RollingUpdateStarted").size());
        assertEquals(3, cluster.events("ru", "PodReplaced").size());
        for (Pod pod : cluster.pods("ru")) {
            assertFalse(
                    uids.contains(pod.getMetadata().getUid()), pod.getMetadata().getName() + " was replaced");
            assertEquals(after, pod.getMetadata().getLabels().get(Labels.REVISION));
        }
        assertEquals("True", upToDate("ru").orElseThrow().getStatus());
    }

    private Optional<Condition> upToDate(String group) {
        ReplicaGroup g = cluster.get(group);
        return g.getStatus() == null
                ? Optional.empty()
                : g.getStatus().getConditions().stream()
                        .filter(c -> c.getType().equals("UpToDate"))
                        .findFirst();
    }
}
