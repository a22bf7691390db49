package dev.replicagroup.operator.it;

import static dev.replicagroup.operator.it.MockCluster.LONG;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.Phase;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.events.EventRecorder;
import dev.replicagroup.operator.events.Reason;
import dev.replicagroup.operator.resources.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A group's life outside failures, against the fabric8 mock API server (CRUD mode) with real replicas: the
 * objects it owns, an invalid spec, scaling, and events recorded once.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupLifecycleTest extends MockClusterTest {
    @Inject
    EventRecorder recorder;

    @Test
    void createsOwnedObjectsWithLabelsAndStartsHelpersWithTheTbcOfThePrimary() {
        cluster.create("basic", 3, 1);
        ReplicaGroup group = cluster.awaitRunning("basic", 3);

        assertEquals("basic-0", group.getStatus().getCurrentPrimary());
        assertEquals(List.of("basic-0"), cluster.primaryLabelled("basic"));
        assertEquals("replicagroup.dev/group=basic", group.getStatus().getSelector());
        assertEquals(1, group.getStatus().getTerm());
        assertEquals(3, group.getStatus().getMembers().size());
        String primaryAddress = cluster.address("basic-0");
        for (String helper : List.of("basic-1", "basic-2")) {
            Pod pod = cluster.pod(helper);
            List<String> args = pod.getSpec().getContainers().get(0).getArgs();
            assertEquals(primaryAddress, args.get(args.indexOf("--tbc") + 1), helper + " joins the primary");
            assertEquals("helper", pod.getMetadata().getLabels().get(Labels.ROLE));
            assertEquals("replicagroup-operator", pod.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
            assertEquals("basic", pod.getMetadata().getLabels().get("app.kubernetes.io/instance"));
            assertEquals(
                    group.getMetadata().getUid(),
                    pod.getMetadata().getOwnerReferences().get(0).getUid());
        }
        assertFalse(cluster.pod("basic-0")
                .getSpec()
                .getContainers()
                .get(0)
                .getArgs()
                .contains("--tbc"));

        Service primary = cluster.client
                .services()
                .inNamespace(cluster.namespace)
                .withName("basic")
                .get();
        assertEquals(
                Map.of(Labels.GROUP, "basic", Labels.ROLE, "primary"),
                primary.getSpec().getSelector());
        // Routed by the label alone: the kubelet's readiness does not delay a new primary.
        assertTrue(primary.getSpec().getPublishNotReadyAddresses(), "publishNotReadyAddresses");
        Service helpers = cluster.client
                .services()
                .inNamespace(cluster.namespace)
                .withName("basic-read")
                .get();
        assertEquals(
                Map.of(Labels.GROUP, "basic", Labels.ROLE, "helper"),
                helpers.getSpec().getSelector());
        assertNull(helpers.getSpec().getPublishNotReadyAddresses(), "reads that may lag go to Ready helpers only");
        Service peers = cluster.client
                .services()
                .inNamespace(cluster.namespace)
                .withName("basic-peers")
                .get();
        assertEquals("None", peers.getSpec().getClusterIP());
        assertNotNull(cluster.client
                .policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(cluster.namespace)
                .withName("basic")
                .get());
        assertEquals(43, cluster.token("basic").length(), "a 256-bit url-safe token");
        for (var owned : List.of(primary, helpers, peers)) {
            assertEquals(
                    group.getMetadata().getUid(),
                    owned.getMetadata().getOwnerReferences().get(0).getUid());
        }
        var conditions = group.getStatus().getConditions();
        assertTrue(conditions.stream()
                .anyMatch(c -> c.getType().equals("Available")
                        && c.getStatus().equals("True")
                        && c.getObservedGeneration().equals(group.getMetadata().getGeneration())));
        assertTrue(conditions.stream()
                .anyMatch(c -> c.getType().equals("Degraded") && c.getStatus().equals("False")));
        await().atMost(LONG).until(() -> cluster.events("basic", "HelperJoined").size() >= 2);
    }

    @Test
    void anInvalidSpecIsReportedNotCrashedOn() {
        cluster.create("bad", 2, 2);
        await().atMost(LONG).until(() -> {
            ReplicaGroup g = cluster.get("bad");
            return g.getStatus() != null && g.getStatus().getPhase() == Phase.Invalid;
        });
        ReplicaGroup group = cluster.get("bad");
        var degraded = group.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals("Degraded"))
                .findFirst()
                .orElseThrow();
        assertEquals("True", degraded.getStatus());
        assertEquals("InvalidSpec", degraded.getReason());
        assertTrue(degraded.getMessage().contains("syncAcks"));
        assertEquals("Warning", cluster.events("bad", "InvalidSpec").get(0).getType());
        assertTrue(cluster.pods("bad").isEmpty());

        // Fixing the spec brings the group up: the reconciler is still alive.
        cluster.edit("bad", g -> {
            g.getSpec().setSyncAcks(1);
            return g;
        });
        cluster.awaitRunning("bad", 2);
    }

    @Test
    void scalesUpAndDownAndNeverRemovesThePrimary() {
        cluster.create("sc", 1, 0);
        cluster.awaitRunning("sc", 1);
        cluster.edit("sc", g -> {
            g.getSpec().setReplicas(3);
            return g;
        });
        cluster.awaitRunning("sc", 3);
        assertEquals(2, cluster.events("sc", "ScaledUp").size());

        cluster.edit("sc", g -> {
            g.getSpec().setReplicas(1);
            return g;
        });
        cluster.awaitRunning("sc", 1);
        assertEquals(
                List.of("sc-0"),
                cluster.pods("sc").stream().map(p -> p.getMetadata().getName()).toList());
        assertEquals("sc-0", cluster.get("sc").getStatus().getCurrentPrimary());
        assertEquals(2, cluster.events("sc", "ScaledDown").size());
    }

    @Test
    void aFailoverStepRepeatedAfterAFailedPassRecordsItsEventOnce() {
        ReplicaGroup group = cluster.create("ev", 1, 0);
        recorder.recordOnce(group, Reason.Promoted, 7, "promoted ev-1 in term 7");
        recorder.recordOnce(group, Reason.Promoted, 7, "promoted ev-1 in term 7");
        recorder.recordOnce(group, Reason.Promoted, 8, "promoted ev-2 in term 8");
        await().atMost(LONG).until(() -> cluster.events("ev", "Promoted").size() == 2);
        recorder.record(group, Reason.InvalidSpec, "not once-per-term: a repeat counts in the series");
        recorder.record(group, Reason.InvalidSpec, "not once-per-term: a repeat counts in the series");
        await().atMost(LONG)
                .until(() -> cluster.events("ev", "InvalidSpec").stream()
                        .anyMatch(e -> e.getSeries() != null && e.getSeries().getCount() == 2));
        assertEquals(1, cluster.events("ev", "InvalidSpec").size());
        assertEquals(
                List.of("promoted ev-1 in term 7", "promoted ev-2 in term 8"),
                cluster.events("ev", "Promoted").stream()
                        .map(Event::getNote)
                        .sorted()
                        .toList());
    }
}
