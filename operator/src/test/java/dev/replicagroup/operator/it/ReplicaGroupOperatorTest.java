package dev.replicagroup.operator.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.replicagroup.operator.crd.Failover;
import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.crd.Phase;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import dev.replicagroup.operator.events.EventRecorder;
import dev.replicagroup.operator.events.Reason;
import dev.replicagroup.operator.ha.Leadership;
import dev.replicagroup.operator.reconcile.Observer;
import dev.replicagroup.operator.reconcile.Standby;
import dev.replicagroup.operator.replicas.AdminFanout;
import dev.replicagroup.operator.replicas.Pushed;
import dev.replicagroup.operator.replicas.ReplicaAdmins;
import dev.replicagroup.operator.replicas.ReplicaWatches;
import dev.replicagroup.operator.resources.Caches;
import dev.replicagroup.operator.resources.Labels;
import dev.replicagroup.operator.resources.OwnedResources;
import dev.replicagroup.operator.resources.ReplicaPods;
import dev.replicagroup.operator.resources.Secrets;
import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.status.ReplicaException;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator against the fabric8 mock API server (CRUD mode) with real replicas, started by
 * {@link FakeKubelet} for each pod the operator creates. Each test uses its own group.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicaGroupOperatorTest {
    private static final Duration LONG = Duration.ofSeconds(60);

    /** The User-Agent of the test's and the fake kubelet's requests, so the operator's can be told apart. */
    private static final String OUTSIDE = "replicagroup-test";

    /** The operator's client. */
    @Inject
    KubernetesClient operatorClient;

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    MeterRegistry metrics;

    @Inject
    EventRecorder recorder;

    @Inject
    Caches caches;

    @Inject
    AdminFanout fanout;

    @Inject
    OwnedResources owned;

    /** The test's own client (and the fake kubelet's): the same server, another User-Agent. */
    private KubernetesClient client;

    private FakeKubelet kubelet;
    private String namespace;

    @BeforeAll
    void startKubelet() {
        client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(operatorClient.getConfiguration())
                        .withUserAgent(OUTSIDE)
                        .build())
                .build();
        namespace = client.getNamespace();
        kubelet = new FakeKubelet(client, namespace);
    }

    @AfterAll
    void stopKubelet() {
        kubelet.close();
        client.close();
    }

    // ------------------------------------------------------------------ helpers

    private ReplicaGroup create(String name, int replicas, int syncAcks) {
        return create(name, replicas, syncAcks, spec -> {});
    }

    private ReplicaGroup create(String name, int replicas, int syncAcks, Consumer<ReplicaGroupSpec> tweak) {
        ReplicaGroup group = new ReplicaGroup();
        group.setMetadata(
                new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        ReplicaGroupSpec spec = new ReplicaGroupSpec();
        spec.setReplicas(replicas);
        spec.setSyncAcks(syncAcks);
        spec.getFailover().setDelaySeconds(1);
        spec.getFailover().setCooldownSeconds(0);
        tweak.accept(spec);
        group.setSpec(spec);
        return client.resource(group).create();
    }

    private ReplicaGroup get(String name) {
        return client.resources(ReplicaGroup.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    private ReplicaGroup awaitRunning(String name, int replicas) {
        await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> {
            ReplicaGroup g = get(name);
            return g.getStatus() != null
                    && g.getStatus().getPhase() == Phase.Running
                    && g.getStatus().getReadyReplicas() == replicas
                    && g.getStatus().getReplicas() == replicas;
        });
        return get(name);
    }

    private Pod pod(String name) {
        return client.pods().inNamespace(namespace).withName(name).get();
    }

    private List<Pod> pods(String group) {
        return client.pods()
                .inNamespace(namespace)
                .withLabel(Labels.GROUP, group)
                .list()
                .getItems();
    }

    private List<String> primaryLabelled(String group) {
        return client
                .pods()
                .inNamespace(namespace)
                .withLabel(Labels.GROUP, group)
                .withLabel(Labels.ROLE, Labels.PRIMARY)
                .list()
                .getItems()
                .stream()
                .map(p -> p.getMetadata().getName())
                .toList();
    }

    private List<Event> events(String group, String reason) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> group.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
                .toList();
    }

    private String address(String pod) {
        return ReplicaPods.address(pod(pod)).orElseThrow();
    }

    private String token(String group) {
        return Secrets.token(client.secrets()
                .inNamespace(namespace)
                .withName(group + "-admin-token")
                .get());
    }

    private List<String> addresses(String group) {
        return pods(group).stream()
                .map(ReplicaPods::address)
                .flatMap(Optional::stream)
                .toList();
    }

    /**
     * Waits until the operator stops writing the group's status (its status no longer changes), so a status
     * the test writes next is not overwritten by a pass that read the group before it.
     */
    private void awaitQuiet(String name) {
        String[] last = {""};
        long[] since = {System.nanoTime()};
        await().atMost(LONG).pollInterval(Duration.ofMillis(100)).until(() -> {
            String version = get(name).getMetadata().getResourceVersion();
            if (!version.equals(last[0])) {
                last[0] = version;
                since[0] = System.nanoTime();
            }
            return System.nanoTime() - since[0] > Duration.ofMillis(1500).toNanos();
        });
    }

    /** Watches that no two pods of the group carry the primary label at once, for as long as it runs. */
    private final class PrimaryLabelWatch implements AutoCloseable {
        final AtomicBoolean twoPrimaries = new AtomicBoolean();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread thread;

        PrimaryLabelWatch(String group) {
            thread = new Thread(() -> {
                while (running.get()) {
                    if (primaryLabelled(group).size() > 1) {
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

    // ------------------------------------------------------------------ tests

    /**
     * Edits a group as a user would, again on a conflict: the operator writes status all the time (every pushed
     * replica change), and an edit made on an older resourceVersion gets 409.
     */
    private void edit(String name, UnaryOperator<ReplicaGroup> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.resources(ReplicaGroup.class)
                        .inNamespace(namespace)
                        .withName(name)
                        .edit(change);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

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
        client.pods().inNamespace(namespace).withName(pod).edit(p -> {
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
        create("rest", 2, 1);
        awaitRunning("rest", 2);
        // The primary counts its helper's liveness up to 100, one per heartbeat (100 ms); status follows on passes.
        await("the helper's liveness settled in status")
                .atMost(LONG)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    nudge("rest", "rest-1");
                    return get("rest").getStatus().getMembers().stream()
                            .filter(m -> m.getName().equals("rest-1"))
                            .anyMatch(m -> Integer.valueOf(100).equals(m.getLiveness()));
                });
        Thread.sleep(1000);
        String version = get("rest").getMetadata().getResourceVersion();
        String settled = io.fabric8.kubernetes.client.utils.Serialization.asJson(
                get("rest").getStatus());
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
                                get("rest").getStatus()));
        assertEquals(version, get("rest").getMetadata().getResourceVersion(), "status was not rewritten");
        assertEquals(before + 1, passes("rest"), "one pass for the nudge, and no resync at rest");
    }

    /**
     * A standby operator (leader election on, no Lease won) holds its own Watch stream to every replica of the
     * groups in its caches, so it starts leading with fresh statuses; a leader leaves that to its reconciler.
     */
    @Test
    void aStandbyWatchesEveryReplicaSoThatItLeadsWithFreshStatuses() {
        ReplicaGroup group = create("standby", 2, 1);
        awaitRunning("standby", 2);
        ResourceID id = ResourceID.fromResource(group);
        ReplicaWatches standbyWatches = new ReplicaWatches(Duration.ofMillis(250));
        ReplicaWatches leaderWatches = new ReplicaWatches(Duration.ofMillis(250));
        ReplicaAdmins admins = new ReplicaAdmins(Duration.ofMillis(500));
        try {
            // This profile ("test") is one the election runs in, and nobody called back: not leading.
            new Standby(new Leadership(List.of("test")), caches, owned, admins, observer(standbyWatches), LONG)
                    .observeGroups();
            new Standby(new Leadership(List.of("prod")), caches, owned, admins, observer(leaderWatches), LONG)
                    .observeGroups();
            List<String> pods =
                    pods("standby").stream().map(p -> p.getMetadata().getName()).toList();
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

    @Test
    void createsOwnedObjectsWithLabelsAndStartsHelpersWithTheTbcOfThePrimary() {
        create("basic", 3, 1);
        ReplicaGroup group = awaitRunning("basic", 3);

        assertEquals("basic-0", group.getStatus().getCurrentPrimary());
        assertEquals(List.of("basic-0"), primaryLabelled("basic"));
        assertEquals("replicagroup.dev/group=basic", group.getStatus().getSelector());
        assertEquals(1, group.getStatus().getTerm());
        assertEquals(3, group.getStatus().getMembers().size());
        String primaryAddress = address("basic-0");
        for (String helper : List.of("basic-1", "basic-2")) {
            Pod pod = pod(helper);
            List<String> args = pod.getSpec().getContainers().get(0).getArgs();
            assertEquals(primaryAddress, args.get(args.indexOf("--tbc") + 1), helper + " joins the primary");
            assertEquals("helper", pod.getMetadata().getLabels().get(Labels.ROLE));
            assertEquals("replicagroup-operator", pod.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
            assertEquals("basic", pod.getMetadata().getLabels().get("app.kubernetes.io/instance"));
            assertEquals(
                    group.getMetadata().getUid(),
                    pod.getMetadata().getOwnerReferences().get(0).getUid());
        }
        assertFalse(pod("basic-0").getSpec().getContainers().get(0).getArgs().contains("--tbc"));

        Service primary =
                client.services().inNamespace(namespace).withName("basic").get();
        assertEquals(
                Map.of(Labels.GROUP, "basic", Labels.ROLE, "primary"),
                primary.getSpec().getSelector());
        // Routed by the label alone: the kubelet's readiness does not delay a new primary.
        assertTrue(primary.getSpec().getPublishNotReadyAddresses(), "publishNotReadyAddresses");
        Service helpers = client.services()
                .inNamespace(namespace)
                .withName("basic-helpers")
                .get();
        assertEquals(
                Map.of(Labels.GROUP, "basic", Labels.ROLE, "helper"),
                helpers.getSpec().getSelector());
        assertNull(helpers.getSpec().getPublishNotReadyAddresses(), "reads that may lag go to Ready helpers only");
        Service peers =
                client.services().inNamespace(namespace).withName("basic-peers").get();
        assertEquals("None", peers.getSpec().getClusterIP());
        assertNotNull(client.policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(namespace)
                .withName("basic")
                .get());
        assertEquals(43, token("basic").length(), "a 256-bit url-safe token");
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
        await().atMost(LONG).until(() -> events("basic", "HelperJoined").size() >= 2);
    }

    @Test
    void aFailedPrimaryIsReplacedByTheBestHelperWithoutLosingAcknowledgedWrites() throws Exception {
        create("fo", 3, 1);
        awaitRunning("fo", 3);
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Throwable> loadErrors = new ArrayList<>();
        Thread load = new Thread(() -> {
            try (ReplicaClient kv = ReplicaClient.connect(
                    addresses("fo"), ClientOptions.defaults().withDeadline(Duration.ofSeconds(40)))) {
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
            kubelet.crash("fo-0");
            await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> {
                ReplicaGroup g = get("fo");
                return g.getStatus().getLastFailover() != null && g.getStatus().getFailover() == null;
            });
            int before = acknowledged.size();
            await().atMost(LONG).until(() -> acknowledged.size() >= before + 50);
            writing.set(false);
            load.join();
            assertFalse(watch.twoPrimaries.get(), "two pods carried role=primary at once");
        }
        assertTrue(loadErrors.isEmpty(), () -> "load failed: " + loadErrors);

        ReplicaGroup group = get("fo");
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
        assertEquals(List.of(promoted), primaryLabelled("fo"));
        assertEquals(1, events("fo", "FailoverStarted").size());
        assertTrue(events("fo", "Promoted")
                .get(0)
                .getMessage()
                .contains("promoted " + promoted + " (was primary: fo-0) in term 2"));
        assertEquals(1, events("fo", "ServiceRepointed").size());
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
        awaitRunning("fo", 3);
        List<String> args = pod("fo-0").getSpec().getContainers().get(0).getArgs();
        assertEquals(address(promoted), args.get(args.indexOf("--tbc") + 1));

        try (ReplicaClient reader = ReplicaClient.connect(List.of(address(promoted)))) {
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
    void scalesUpAndDownAndNeverRemovesThePrimary() {
        create("sc", 1, 0);
        awaitRunning("sc", 1);
        edit("sc", g -> {
            g.getSpec().setReplicas(3);
            return g;
        });
        awaitRunning("sc", 3);
        assertEquals(2, events("sc", "ScaledUp").size());

        edit("sc", g -> {
            g.getSpec().setReplicas(1);
            return g;
        });
        awaitRunning("sc", 1);
        assertEquals(
                List.of("sc-0"),
                pods("sc").stream().map(p -> p.getMetadata().getName()).toList());
        assertEquals("sc-0", get("sc").getStatus().getCurrentPrimary());
        assertEquals(2, events("sc", "ScaledDown").size());
    }

    @Test
    void aSwitchoverMovesThePrimaryToTheNamedPod() throws Exception {
        create("sw", 3, 1);
        awaitRunning("sw", 3);
        try (ReplicaClient kv = ReplicaClient.connect(addresses("sw"))) {
            kv.put("before", "1".getBytes(StandardCharsets.UTF_8));
        }
        // Writes go on during the switchover, so the named helper may lag when it starts: the hand-over must
        // bring it up to date, or the switchover would go to the other helper.
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try (ReplicaClient kv = ReplicaClient.connect(addresses("sw"))) {
                for (int i = 0; writing.get(); i++) {
                    kv.put("k" + (i % 50), Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                }
            } catch (ReplicaException e) {
                // The writer only makes load; what the switchover did is asserted below.
            }
        });
        writer.start();
        Thread.sleep(500);
        edit("sw", g -> {
            g.getMetadata().getAnnotations().put(Labels.PROMOTE_ANNOTATION, "sw-2");
            return g;
        });
        try {
            await().atMost(LONG)
                    .until(() -> !events("sw", "SwitchoverCompleted").isEmpty());
        } finally {
            writing.set(false);
            writer.join();
        }
        assertTrue(
                events("sw", "SwitchoverCompleted").get(0).getMessage().startsWith("sw-2 is primary"),
                events("sw", "SwitchoverCompleted").get(0).getMessage());
        ReplicaGroup group = awaitRunning("sw", 3);
        assertEquals("sw-2", group.getStatus().getCurrentPrimary());
        assertEquals(2, group.getStatus().getTerm());
        assertEquals(List.of("sw-2"), primaryLabelled("sw"));
        assertFalse(group.getMetadata().getAnnotations().containsKey(Labels.PROMOTE_ANNOTATION));
        assertTrue(group.getStatus().getLastFailover().isSwitchover());
        // The old primary was not replaced: the same pod follows the new primary.
        assertEquals("helper", pod("sw-0").getMetadata().getLabels().get(Labels.ROLE));
        assertEquals(Role.HELPER, kubelet.server("sw-0").node().view().role());
        try (ReplicaClient kv = ReplicaClient.connect(List.of(address("sw-2")))) {
            assertEquals(
                    "1", new String(kv.get(List.of("before")).get("before").orElseThrow(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aTemplateChangeReplacesEveryPodOnceItIsResumedWithOneSwitchover() {
        create("ru", 3, 1);
        ReplicaGroup running = awaitRunning("ru", 3);
        String before = running.getStatus().getUpdateRevision();
        assertEquals(before, running.getStatus().getCurrentRevision());
        List<String> uids =
                pods("ru").stream().map(p -> p.getMetadata().getUid()).toList();
        // Paused first: the new revision shows in status, and no pod goes.
        edit("ru", g -> {
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
        ReplicaGroup paused = get("ru");
        assertNotEquals(before, paused.getStatus().getUpdateRevision());
        assertEquals(0, paused.getStatus().getUpdatedReplicas());
        assertEquals(
                uids, pods("ru").stream().map(p -> p.getMetadata().getUid()).toList());

        edit("ru", g -> {
            g.getMetadata().getAnnotations().remove(Labels.UPDATE_PAUSED_ANNOTATION);
            return g;
        });
        await().atMost(LONG).until(() -> !events("ru", "RollingUpdateCompleted").isEmpty());
        ReplicaGroup group = awaitRunning("ru", 3);
        String after = group.getStatus().getUpdateRevision();
        assertEquals(after, group.getStatus().getCurrentRevision());
        assertEquals(3, group.getStatus().getUpdatedReplicas());
        assertEquals(2, group.getStatus().getTerm(), "one switchover");
        assertEquals(1, events("ru", "SwitchoverCompleted").size());
        assertEquals(1, events("ru", "RollingUpdateStarted").size());
        assertEquals(3, events("ru", "PodReplaced").size());
        for (Pod pod : pods("ru")) {
            assertFalse(
                    uids.contains(pod.getMetadata().getUid()), pod.getMetadata().getName() + " was replaced");
            assertEquals(after, pod.getMetadata().getLabels().get(Labels.REVISION));
        }
        assertEquals("True", upToDate("ru").orElseThrow().getStatus());
    }

    private Optional<Condition> upToDate(String group) {
        ReplicaGroup g = get(group);
        return g.getStatus() == null
                ? Optional.empty()
                : g.getStatus().getConditions().stream()
                        .filter(c -> c.getType().equals("UpToDate"))
                        .findFirst();
    }

    @Test
    void anInvalidSpecIsReportedNotCrashedOn() {
        create("bad", 2, 2);
        await().atMost(LONG).until(() -> {
            ReplicaGroup g = get("bad");
            return g.getStatus() != null && g.getStatus().getPhase() == Phase.Invalid;
        });
        ReplicaGroup group = get("bad");
        var degraded = group.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals("Degraded"))
                .findFirst()
                .orElseThrow();
        assertEquals("True", degraded.getStatus());
        assertEquals("InvalidSpec", degraded.getReason());
        assertTrue(degraded.getMessage().contains("syncAcks"));
        assertEquals("Warning", events("bad", "InvalidSpec").get(0).getType());
        assertTrue(pods("bad").isEmpty());

        // Fixing the spec brings the group up: the reconciler is still alive.
        edit("bad", g -> {
            g.getSpec().setSyncAcks(1);
            return g;
        });
        awaitRunning("bad", 2);
    }

    @Test
    void aPrimaryItsHelpersLostIsReplacedThoughItsPodStillLooksReady() {
        create("lost", 3, 1);
        // No kubelet signal: the pod stays Ready, and NotReady would only count after an hour.
        edit("lost", g -> {
            g.getSpec().getFailover().setDelaySeconds(3600);
            return g;
        });
        String primary = awaitRunning("lost", 3).getStatus().getCurrentPrimary();
        String helper = pods("lost").stream()
                .map(p -> p.getMetadata().getName())
                .filter(n -> !n.equals(primary))
                .findFirst()
                .orElseThrow();
        assumeTrue(
                kubelet.server(helper).node().view().timing().detectionMillis() > 0,
                "the replica reports no failure-detection timing yet (NodeStatus.Timing.unknown())");

        kubelet.loseNode(primary);

        await().atMost(LONG).until(() -> get("lost").getStatus().getLastFailover() != null);
        ReplicaGroup group = get("lost");
        assertTrue(
                group.getStatus().getLastFailover().getReason().contains("helpers have not heard from primary"),
                group.getStatus().getLastFailover().getReason());
        assertNotEquals(primary, group.getStatus().getCurrentPrimary());
        assertEquals(List.of(group.getStatus().getCurrentPrimary()), primaryLabelled("lost"));
    }

    @Test
    void aFailoverLeftHalfDoneIsFinished() throws Exception {
        // No failover of its own: this operator must only finish the one it finds in status. The helpers, fenced
        // below, stop hearing from the primary: a long detection timeout keeps them from reporting it lost.
        create("rs", 3, 1, spec -> {
            spec.getFailover().setDelaySeconds(3600);
            spec.getFailover().setDetectionMillis(120_000);
        });
        awaitRunning("rs", 3);
        // What an operator that died right after the Select step leaves behind: every replica fenced in the
        // new term 2, then the term and the candidate recorded in status, no Promote sent.
        try (AdminClient admin = new AdminClient(token("rs"), Duration.ofSeconds(2))) {
            for (String pod : List.of("rs-0", "rs-1", "rs-2")) {
                admin.fence(address(pod), 2);
            }
        }
        awaitQuiet("rs");
        client.resources(ReplicaGroup.class)
                .inNamespace(namespace)
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
            ReplicaGroup g = get("rs");
            return g.getStatus().getFailover() == null && g.getStatus().getLastFailover() != null;
        });
        ReplicaGroup group = awaitRunning("rs", 3);
        assertEquals("rs-1", group.getStatus().getCurrentPrimary());
        assertEquals(2, group.getStatus().getTerm(), "resumed in the recorded term, not a new failover");
        assertEquals(List.of("rs-1"), primaryLabelled("rs"));
        assertEquals(Role.PRIMARY, kubelet.server("rs-1").node().view().role());
        assertEquals(2, kubelet.server("rs-1").node().view().term());
        assertTrue(events("rs", "FailoverStarted").isEmpty(), "no second failover was started");
    }

    @Test
    void aFailoverStepRepeatedAfterAFailedPassRecordsItsEventOnce() {
        ReplicaGroup group = create("ev", 1, 0);
        recorder.recordOnce(group, Reason.Promoted, 7, "promoted ev-1 in term 7");
        recorder.recordOnce(group, Reason.Promoted, 7, "promoted ev-1 in term 7");
        recorder.recordOnce(group, Reason.Promoted, 8, "promoted ev-2 in term 8");
        await().atMost(LONG).until(() -> events("ev", "Promoted").size() == 2);
        recorder.record(group, Reason.InvalidSpec, "not once-per-term: every one is recorded");
        recorder.record(group, Reason.InvalidSpec, "not once-per-term: every one is recorded");
        await().atMost(LONG).until(() -> events("ev", "InvalidSpec").size() == 2);
        assertEquals(
                List.of("promoted ev-1 in term 7", "promoted ev-2 in term 8"),
                events("ev", "Promoted").stream()
                        .map(Event::getMessage)
                        .sorted()
                        .toList());
    }

    @Test
    void aFailoverThatCannotBeSafeWaitsAndSaysWhy() {
        create("bl", 3, 1);
        awaitRunning("bl", 3);
        // With one of two helpers gone too, the survivor may lack a write that only the dead helper acked.
        kubelet.crash("bl-1");
        kubelet.crash("bl-0");
        await().atMost(LONG).until(() -> !events("bl", "FailoverBlocked").isEmpty());
        await().atMost(LONG)
                .until(() -> get("bl").getStatus().getConditions().stream()
                        .anyMatch(c -> c.getReason().equals("FailoverBlocked")));
        ReplicaGroup group = get("bl");
        assertTrue(events("bl", "FailoverBlocked").get(0).getMessage().contains("heard from 1 of 2 helpers"));
        assertEquals(Phase.FailingOver, group.getStatus().getPhase());
        assertNotNull(group.getStatus().getFailover().getBlocked());
        var degraded = group.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals("Degraded"))
                .findFirst()
                .orElseThrow();
        assertEquals("True", degraded.getStatus());
        assertEquals("FailoverBlocked", degraded.getReason());
        assertEquals("bl-0", group.getStatus().getCurrentPrimary());
        assertTrue(primaryLabelled("bl").isEmpty(), "the failed primary lost its label; nobody got it");
        assertTrue(events("bl", "Promoted").isEmpty());
        assertEquals(Role.HELPER, kubelet.server("bl-2").node().view().role(), "the survivor was not promoted");
    }
}
