package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.e2e.support.Operator;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** helm install gives two operator pods, one of them the leader; helm uninstall leaves nothing of the release. */
@ExtendWith(TestNamespace.class)
class HelmInstallIT {

    @Test
    void installsTwoOperatorPodsWithOneLeaderAndUninstallsCleanly(TestNamespace ns) {
        KubernetesClient client = ns.cluster().client();
        Operator operator = Operator.install(ns);

        assertNotNull(
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName("replicagroups.replicagroup.dev")
                        .get(),
                "the chart installs the ReplicaGroup CRD");
        List<Pod> pods = operator.pods();
        assertEquals(2, pods.size(), "two operator pods (HA)");
        assertTrue(pods.stream().allMatch(Readiness::isPodReady), "both operator pods Ready after helm --wait");
        String leader = operator.awaitLeader();
        assertTrue(
                pods.stream().anyMatch(p -> p.getMetadata().getName().equals(leader)),
                "the Lease holder " + leader + " is one of the operator pods " + names(pods));
        assertFalse(releaseObjects(ns, operator).isEmpty(), "the release's cluster-scoped RBAC exists while installed");

        operator.uninstall();

        Awaitility.await("nothing of release " + operator.release() + " is left")
                .atMost(Settings.SETTLE)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    assertEquals(
                            List.of(),
                            names(client.apps()
                                    .deployments()
                                    .inNamespace(ns.name())
                                    .list()
                                    .getItems()));
                    assertEquals(
                            List.of(),
                            names(client.pods().inNamespace(ns.name()).list().getItems()));
                    assertEquals(List.of(), names(releaseObjects(ns, operator)));
                });
    }

    /** Helm marks what it created with the release name and namespace annotations. */
    private static List<HasMetadata> releaseObjects(TestNamespace ns, Operator operator) {
        KubernetesClient client = ns.cluster().client();
        return Stream.<HasMetadata>concat(
                        Stream.concat(
                                client.rbac().clusterRoles().list().getItems().stream(),
                                client.rbac().clusterRoleBindings().list().getItems().stream()),
                        Stream.concat(
                                client.serviceAccounts().inNamespace(ns.name()).list().getItems().stream(),
                                Stream.concat(
                                        client.rbac().roles().inNamespace(ns.name()).list().getItems().stream(),
                                        client
                                                .rbac()
                                                .roleBindings()
                                                .inNamespace(ns.name())
                                                .list()
                                                .getItems()
                                                .stream())))
                .filter(o -> o.getMetadata().getAnnotations() != null
                        && operator.release()
                                .equals(o.getMetadata().getAnnotations().get("meta.helm.sh/release-name"))
                        && ns.name().equals(o.getMetadata().getAnnotations().get("meta.helm.sh/release-namespace")))
                .toList();
    }

    private static List<String> names(List<? extends HasMetadata> objects) {
        return objects.stream()
                .map(o -> o.getKind() + "/" + o.getMetadata().getName())
                .toList();
    }
}
