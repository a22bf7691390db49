package dev.replicagroup.operator.it;

import static org.awaitility.Awaitility.await;

import dev.replicagroup.operator.crd.Phase;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import dev.replicagroup.operator.resources.Labels;
import dev.replicagroup.operator.resources.ReplicaPods;
import dev.replicagroup.operator.resources.Secrets;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * What the operator's integration tests share: the fabric8 mock API server as the tests (and {@link FakeKubelet},
 * which starts a real replica for each pod the operator creates) see it through their own client, and the steps
 * and reads they make of groups. Each test uses its own group, so the test classes share one Quarkus app.
 */
final class MockCluster implements AutoCloseable {
    static final Duration LONG = Duration.ofSeconds(60);

    /** The User-Agent of the test's and the fake kubelet's requests, so the operator's can be told apart. */
    static final String OUTSIDE = "replicagroup-test";

    /** The test's own client (and the fake kubelet's): the same server, another User-Agent. */
    final KubernetesClient client;

    final FakeKubelet kubelet;
    final String namespace;

    MockCluster(KubernetesClient operatorClient) {
        client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(operatorClient.getConfiguration())
                        .withUserAgent(OUTSIDE)
                        .build())
                .build();
        namespace = client.getNamespace();
        kubelet = new FakeKubelet(client, namespace);
    }

    @Override
    public void close() {
        kubelet.close();
        client.close();
    }

    ReplicaGroup create(String name, int replicas, int syncAcks) {
        return create(name, replicas, syncAcks, spec -> {});
    }

    ReplicaGroup create(String name, int replicas, int syncAcks, Consumer<ReplicaGroupSpec> tweak) {
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

    ReplicaGroup get(String name) {
        return client.resources(ReplicaGroup.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    ReplicaGroup awaitRunning(String name, int replicas) {
        await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> {
            ReplicaGroup g = get(name);
            return g.getStatus() != null
                    && g.getStatus().getPhase() == Phase.Running
                    && g.getStatus().getReadyReplicas() == replicas
                    && g.getStatus().getReplicas() == replicas;
        });
        return get(name);
    }

    Pod pod(String name) {
        return client.pods().inNamespace(namespace).withName(name).get();
    }

    List<Pod> pods(String group) {
        return client.pods()
                .inNamespace(namespace)
                .withLabel(Labels.GROUP, group)
                .list()
                .getItems();
    }

    List<String> primaryLabelled(String group) {
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

    List<Event> events(String group, String reason) {
        return client.events().v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> group.equals(e.getRegarding().getName()) && reason.equals(e.getReason()))
                .toList();
    }

    String address(String pod) {
        return ReplicaPods.address(pod(pod)).orElseThrow();
    }

    String token(String group) {
        return Secrets.token(client.secrets()
                .inNamespace(namespace)
                .withName(group + "-admin-token")
                .get());
    }

    List<String> addresses(String group) {
        return pods(group).stream()
                .map(ReplicaPods::address)
                .flatMap(Optional::stream)
                .toList();
    }

    /**
     * Waits until the operator stops writing the group's status (its status no longer changes), so a status
     * the test writes next is not overwritten by a pass that read the group before it.
     */
    void awaitQuiet(String name) {
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

    /**
     * Edits a group as a user would, again on a conflict: the operator writes status all the time (every pushed
     * replica change), and an edit made on an older resourceVersion gets 409.
     */
    void edit(String name, UnaryOperator<ReplicaGroup> change) {
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
}
