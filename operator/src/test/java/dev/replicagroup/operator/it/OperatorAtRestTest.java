package dev.replicagroup.operator.it;

import static dev.replicagroup.operator.it.MockCluster.LONG;
import static dev.replicagroup.operator.it.MockCluster.OUTSIDE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.ha.Leadership;
import dev.replicagroup.operator.reconcile.Observer;
import dev.replicagroup.operator.reconcile.Standby;
import dev.replicagroup.operator.replicas.AdminFanout;
import dev.replicagroup.operator.replicas.Pushed;
import dev.replicagroup.operator.replicas.ReplicaAdmins;
import dev.replicagroup.operator.replicas.ReplicaWatches;
import dev.replicagroup.operator.resources.Caches;
import dev.replicagroup.operator.resources.OwnedResources;
import dev.replicagroup.operator.tls.GroupCertificates;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator at rest, against the fabric8 mock API server (CRUD mode) with real replicas: a pass reads only
 * its caches and writes nothing, and a standby keeps its replicas' statuses fresh without reconciling.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorAtRestTest extends MockClusterTest {
    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    MeterRegistry metrics;

    @Inject
    Caches caches;

    @Inject
    AdminFanout fanout;

    @Inject
    OwnedResources owned;

    @Inject
    GroupCertificates certificates;

    /** Every request the mock server recorded since the last call, in order. */
    private List<RecordedRequest> recorded() throws InterruptedException {
        List<RecordedRequest> requests = new ArrayList<>();
        for (RecordedRequest r;
                (r = server.getKubernetesMockServer().takeRequest(10, TimeUnit.MILLISECONDS)) != null; ) {
            requests.add(r);
        }
        return requests;
    }

    private double passes(String group) {
        var timer = metrics.find("replicagroup.reconcile.duration")
                .tags("group", group)
                .timer();
        return timer == null ? 0 : timer.count();
    }

    /** Starts a pass of the group with a change the operator ignores (an annotation on one of its pods). */
    private void nudge(String group, String pod) {
        double before = passes(group);
        cluster.client.pods().inNamespace(cluster.namespace).withName(pod).edit(p -> {
            p.getMetadata()
                    .setAnnotations(
                            new HashMap<>(Optional.ofNullable(p.getMetadata().getAnnotations())
                                    .orElse(Map.of())));
            p.getMetadata().getAnnotations().put("test.replicagroup.dev/nudge", String.valueOf(System.nanoTime()));
            return p;
        });
        await().atMost(LONG).until(() -> passes(group) > before);
    }

    /**
     * At rest a pass reads the group, pods, Services, PDB and Secret from the informer caches and finds nothing
     * to write: the operator makes no request but its watches, and no resync comes (the tests' resync interval
     * is 300 ms). Liveness climbs for a while after the start, so a pass first has to find status settled.
     */
    @Test
    void atRestAPassMakesNoApiRequestAndWritesNoStatus() throws Exception {
        cluster.create("rest", 2, 1);
        cluster.awaitRunning("rest", 2);
        // The primary counts its helper's liveness up to 100, one per heartbeat (100 ms); status follows on passes.
        await("the helper's liveness settled in status")
                .atMost(LONG)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    nudge("rest", "rest-1");
                    return cluster.get("rest").getStatus().getMembers().stream()
                            .filter(m -> m.getName().equals("rest-1"))
                            .anyMatch(m -> Integer.valueOf(100).equals(m.getLiveness()));
                });
        Thread.sleep(1000);
        String version = cluster.get("rest").getMetadata().getResourceVersion();
        String settled = io.fabric8.kubernetes.client.utils.Serialization.asJson(
                cluster.get("rest").getStatus());
        recorded();
        double before = passes("rest");

        nudge("rest", "rest-1");
        Thread.sleep(2000);

        List<String> byOperator = recorded().stream()
                .filter(r -> !OUTSIDE.equals(r.getHeader("User-Agent")))
                .filter(r -> !r.getPath().contains("watch=true"))
                .map(RecordedRequest::getRequestLine)
                .toList();
        assertEquals(
                List.of(),
                byOperator,
                "a pass at rest reads and writes nothing but through its watches; " + settled + " -> "
                        + io.fabric8.kubernetes.client.utils.Serialization.asJson(
                                cluster.get("rest").getStatus()));
        assertEquals(version, cluster.get("rest").getMetadata().getResourceVersion(), "status was not rewritten");
        assertEquals(before + 1, passes("rest"), "one pass for the nudge, and no resync at rest");
    }

    /**
     * A standby operator (leader election on, no Lease won) holds its own Watch stream to every replica of the
     * groups in its caches, so it starts leading with fresh statuses; a leader leaves that to its reconciler.
     */
    @Test
    void aStandbyWatchesEveryReplicaSoThatItLeadsWithFreshStatuses() {
        ReplicaGroup group = cluster.create("standby", 2, 1);
        cluster.awaitRunning("standby", 2);
        ResourceID id = ResourceID.fromResource(group);
        ReplicaWatches standbyWatches = new ReplicaWatches(Duration.ofMillis(250));
        ReplicaWatches leaderWatches = new ReplicaWatches(Duration.ofMillis(250));
        ReplicaAdmins admins = new ReplicaAdmins(Duration.ofMillis(500), caches, certificates);
        try {
            // Elected, and no Lease won: not leading. Not elected: always leading.
            new Standby(new Leadership(true), caches, owned, admins, observer(standbyWatches), standbyWatches, LONG)
                    .observeGroups();
            new Standby(new Leadership(false), caches, owned, admins, observer(leaderWatches), leaderWatches, LONG)
                    .observeGroups();
            List<String> pods = cluster.pods("standby").stream()
                    .map(p -> p.getMetadata().getName())
                    .toList();
            assertEquals(2, pods.size());
            // Fails if the standby opens no stream, or one that never delivers its replica's status.
            await("the standby's streams deliver")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> pods.stream().allMatch(p -> standbyWatches.view(id, p) instanceof Pushed.Fresh));
            pods.forEach(p -> assertInstanceOf(Pushed.Unknown.class, leaderWatches.view(id, p), p));
        } finally {
            standbyWatches.forget(id);
            admins.closeAll();
        }
    }

    private Observer observer(ReplicaWatches watches) {
        return new Observer(caches, watches, fanout, Clock.systemUTC());
    }
}
