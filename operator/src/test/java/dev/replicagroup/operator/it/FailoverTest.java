package dev.replicagroup.operator.it;

import static dev.replicagroup.operator.it.MockCluster.LONG;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.crd.Phase;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.ReplicaException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Failover, against the fabric8 mock API server (CRUD mode) with real replicas: a failed or lost primary
 * replaced without losing acknowledged writes, a failover left half done finished, one that cannot be safe
 * blocked with a reason.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailoverTest extends MockClusterTest {
    @Inject
    MeterRegistry metrics;

    /** Watches that no two pods of the group carry the primary label at once, for as long as it runs. */
    private final class PrimaryLabelWatch implements AutoCloseable {
        final AtomicBoolean twoPrimaries = new AtomicBoolean();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread thread;

        PrimaryLabelWatch(String group) {
            thread = new Thread(() -> {
                while (running.get()) {
                    if (cluster.primaryLabelled(group).size() > 1) {
                        twoPrimaries.set(true);
                    }
                }
            });
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }

    @Test
    void aFailedPrimaryIsReplacedByTheBestHelperWithoutLosingAcknowledgedWrites() throws Exception {
        cluster.create("fo", 3, 1);
        cluster.awaitRunning("fo", 3);
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Throwable> loadErrors = new ArrayList<>();
        Thread load = new Thread(() -> {
            try (ReplicaClient kv = ReplicaClient.connect(
                    cluster.addresses("fo"), ClientOptions.defaults().withDeadline(Duration.ofSeconds(40)))) {
                for (int i = 0; writing.get(); i++) {
                    String value = "v" + i;
                    try {
                        kv.put("k" + i, value.getBytes(StandardCharsets.UTF_8));
                        acknowledged.put("k" + i, value);
                    } catch (ReplicaException e) {
                        // Not acknowledged: may or may not be there; only acknowledged writes must survive.
                    }
                }
            } catch (RuntimeException e) {
                loadErrors.add(e);
            }
        });
        load.start();
        await().atMost(LONG).until(() -> acknowledged.size() >= 50);

        try (PrimaryLabelWatch watch = new PrimaryLabelWatch("fo")) {
            cluster.kubelet.crash("fo-0");
            await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> {
                ReplicaGroup g = cluster.get("fo");
                return g.getStatus().getLastFailover() != null && g.getStatus().getFailover() == null;
            });
            int before = acknowledged.size();
            await().atMost(LONG).until(() -> acknowledged.size() >= before + 50);
            writing.set(false);
            load.join();
            assertFalse(watch.twoPrimaries.get(), "two pods carried role=primary at once");
        }
        assertTrue(loadErrors.isEmpty(), () -> "load failed: " + loadErrors);

        ReplicaGroup group = cluster.get("fo");
        Failover last = group.getStatus().getLastFailover();
        String promoted = last.getTo();
        assertEquals("fo-0", last.getFrom());
        assertTrue(promoted.equals("fo-1") || promoted.equals("fo-2"));
        assertEquals(FailoverStep.Done, last.getStep());
        assertEquals(2L, last.getTerm());
        assertNotNull(last.getDetectedAt());
        assertNotNull(last.getPromotedAt());
        assertNotNull(last.getRepointedAt());
        assertEquals(promoted, group.getStatus().getCurrentPrimary());
        assertEquals(2, group.getStatus().getTerm());
        assertEquals(List.of(promoted), cluster.primaryLabelled("fo"));
        assertEquals(1, cluster.events("fo", "FailoverStarted").size());
        assertTrue(cluster.events("fo", "Promoted")
                .get(0)
                .getNote()
                .contains("promoted " + promoted + " (was primary: fo-0) in term 2"));
        assertEquals(1, cluster.events("fo", "ServiceRepointed").size());
        assertEquals(
                1.0,
                metrics.get("replicagroup.failovers")
                        .tags("group", "fo", "kind", "failover")
                        .counter()
                        .count());
        assertTrue(metrics.get("replicagroup.failover.step.duration")
                        .tags("group", "fo", "step", "Promote")
                        .timer()
                        .count()
                >= 1);
        assertEquals(
                1.0,
                metrics.get("replicagroup.members")
                        .tags("group", "fo", "role", "primary")
                        .gauge()
                        .value());

        // The failed pod is replaced by a helper of the new primary, and the group is whole again.
        cluster.awaitRunning("fo", 3);
        List<String> args = cluster.pod("fo-0").getSpec().getContainers().get(0).getArgs();
        assertEquals(cluster.address(promoted), args.get(args.indexOf("--tbc") + 1));

        try (ReplicaClient reader = ReplicaClient.connect(List.of(cluster.address(promoted)))) {
            List<String> keys = List.copyOf(acknowledged.keySet());
            Map<String, Optional<byte[]>> values = reader.get(keys);
            for (String key : keys) {
                assertEquals(
                        acknowledged.get(key),
                        values.get(key)
                                .map(v -> new String(v, StandardCharsets.UTF_8))
                                .orElse("<lost>"),
                        "acknowledged write " + key);
            }
        }
    }

    @Test
    void aPrimaryItsHelpersLostIsReplacedThoughItsPodStillLooksReady() {
        cluster.create("lost", 3, 1);
        // No kubelet signal: the pod stays Ready, and NotReady would only count after an hour.
        cluster.edit("lost", g -> {
            g.getSpec().getFailover().setDelaySeconds(3600);
            return g;
        });
        String primary = cluster.awaitRunning("lost", 3).getStatus().getCurrentPrimary();
        String helper = cluster.pods("lost").stream()
                .map(p -> p.getMetadata().getName())
                .filter(n -> !n.equals(primary))
                .findFirst()
                .orElseThrow();
        assumeTrue(
                cluster.kubelet.server(helper).node().view().timing().detectionMillis() > 0,
                "the replica reports no failure-detection timing yet (NodeStatus.Timing.unknown())");

        cluster.kubelet.loseNode(primary);

        await().atMost(LONG).until(() -> cluster.get("lost").getStatus().getLastFailover() != null);
        ReplicaGroup group = cluster.get("lost");
        assertTrue(
                group.getStatus().getLastFailover().getReason().contains("helpers have not heard from primary"),
                group.getStatus().getLastFailover().getReason());
        assertNotEquals(primary, group.getStatus().getCurrentPrimary());
        assertEquals(List.of(group.getStatus().getCurrentPrimary()), cluster.primaryLabelled("lost"));
    }

    @Test
    void aFailoverLeftHalfDoneIsFinished() throws Exception {
        // No failover of its own: this operator must only finish the one it finds in status. The helpers, fenced
        // below, stop hearing from the primary: a long detection timeout keeps them from reporting it lost.
        cluster.create("rs", 3, 1, spec -> {
            spec.getFailover().setDelaySeconds(3600);
            spec.getFailover().setDetectionMillis(120_000);
        });
        cluster.awaitRunning("rs", 3);
        // What an operator that died right after the Select step leaves behind: every replica fenced in the
        // new term 2, then the term and the candidate recorded in status, no Promote sent.
        try (AdminClient admin = new AdminClient(cluster.token("rs"), Duration.ofSeconds(2))) {
            for (String pod : List.of("rs-0", "rs-1", "rs-2")) {
                admin.fence(cluster.address(pod), 2);
            }
        }
        cluster.awaitQuiet("rs");
        cluster.client
                .resources(ReplicaGroup.class)
                .inNamespace(cluster.namespace)
                .withName("rs")
                .editStatus(g -> {
                    Failover failover = new Failover();
                    failover.setStep(FailoverStep.Promote);
                    failover.setFrom("rs-0");
                    failover.setTo("rs-1");
                    failover.setTerm(2L);
                    failover.setReason("test: operator stopped after Select");
                    failover.setDetectedAt(java.time.Instant.now().toString());
                    g.getStatus().setFailover(failover);
                    g.getStatus().setTerm(2);
                    return g;
                });

        await().atMost(LONG).until(() -> {
            ReplicaGroup g = cluster.get("rs");
            return g.getStatus().getFailover() == null && g.getStatus().getLastFailover() != null;
        });
        ReplicaGroup group = cluster.awaitRunning("rs", 3);
        assertEquals("rs-1", group.getStatus().getCurrentPrimary());
        assertEquals(2, group.getStatus().getTerm(), "resumed in the recorded term, not a new failover");
        assertEquals(List.of("rs-1"), cluster.primaryLabelled("rs"));
        assertEquals(Role.PRIMARY, cluster.kubelet.server("rs-1").node().view().role());
        assertEquals(2, cluster.kubelet.server("rs-1").node().view().term());
        assertTrue(cluster.events("rs", "FailoverStarted").isEmpty(), "no second failover was started");
    }

    @Test
    void aFailoverThatCannotBeSafeWaitsAndSaysWhy() {
        cluster.create("bl", 3, 1);
        cluster.awaitRunning("bl", 3);
        // With one of two helpers gone too, the survivor may lack a write that only the dead helper acked.
        cluster.kubelet.crash("bl-1");
        cluster.kubelet.crash("bl-0");
        await().atMost(LONG)
                .until(() -> !cluster.events("bl", "FailoverBlocked").isEmpty());
        await().atMost(LONG)
                .until(() -> cluster.get("bl").getStatus().getConditions().stream()
                        .anyMatch(c -> c.getReason().equals("FailoverBlocked")));
        ReplicaGroup group = cluster.get("bl");
        assertTrue(cluster.events("bl", "FailoverBlocked").get(0).getNote().contains("heard from 1 of 2 helpers"));
        assertEquals(Phase.FailingOver, group.getStatus().getPhase());
        assertNotNull(group.getStatus().getFailover().getBlocked());
        var degraded = group.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals("Degraded"))
                .findFirst()
                .orElseThrow();
        assertEquals("True", degraded.getStatus());
        assertEquals("FailoverBlocked", degraded.getReason());
        assertEquals("bl-0", group.getStatus().getCurrentPrimary());
        assertTrue(cluster.primaryLabelled("bl").isEmpty(), "the failed primary lost its label; nobody got it");
        assertTrue(cluster.events("bl", "Promoted").isEmpty());
        assertEquals(Role.HELPER, cluster.kubelet.server("bl-2").node().view().role(), "the survivor was not promoted");
    }
}
