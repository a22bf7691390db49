package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.GroupStatus;
import dev.replicagroup.e2e.support.Operator;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A pod in another namespace reaches the replicas' port (the local CNI enforces no NetworkPolicy, as many do not)
 * but cannot act on them: admin calls need the group's token, and a replica started there without it is refused as
 * a helper, so it is never listed and its acks never count. The control: the same admin call with the token works
 * from that namespace, so the path is open and the refusal is the token's.
 */
@ExtendWith(TestNamespace.class)
class ForeignCallerIT {
    private static final Duration POD_DONE = Duration.ofMinutes(2);

    @Test
    void aPodInAnotherNamespaceCannotCallTheAdminOrPeerServiceWithoutTheGroupsToken(TestNamespace ns)
            throws IOException, ReplicaException {
        Operator.install(ns);
        Group group = Group.applySpec(ns, "guarded", "  replicas: 2\n  syncAcks: 1\n");
        GroupStatus before = group.awaitSettled(2, Settings.SETTLE);
        String primary = group.pod(before.currentPrimary()).getStatus().getPodIP() + ":7000";
        String token = group.adminToken();
        KubernetesClient client = ns.cluster().client();
        String outside = ns.name() + "-outside";
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(outside)
                        .addToLabels("replicagroup.dev/e2e", "true")
                        .addToLabels(TestNamespace.POD_SECURITY_ENFORCE, "restricted")
                        .endMetadata()
                        .build())
                .create();
        ns.onCleanup(() -> client.namespaces().withName(outside).delete());

        Finished allowed = runToEnd(
                client, outside, "status-with-token", List.of("status", "--server", primary, "--admin-token", token));
        assertEquals(0, allowed.exitCode(), "the control: with the token the call works from there\n" + allowed.log());
        assertTrue(allowed.log().contains("primary term=" + before.term()), allowed.log());

        Finished refused = runToEnd(
                client,
                outside,
                "fence-without-token",
                List.of("fence", "--server", primary, "--term", "99", "--admin-token", "not-the-groups-token"));
        assertNotEquals(0, refused.exitCode(), refused.log());
        assertTrue(refused.log().contains("wrong admin token"), refused.log());

        // A replica of its own that joins the primary as a helper, without the token.
        client.pods().inNamespace(outside).resource(impostor(primary)).create();
        String impostorLog = Group.await("the impostor is refused by the primary", POD_DONE)
                .until(() -> log(client, outside, "impostor"), l -> l.contains("refuses this replica's messages"));
        assertTrue(impostorLog.contains("UNAUTHENTICATED"), impostorLog);
        String impostorAddress = client.pods()
                        .inNamespace(outside)
                        .withName("impostor")
                        .get()
                        .getStatus()
                        .getPodIP()
                + ":7000";

        try (AdminClient admin = new AdminClient(token, Duration.ofSeconds(5))) {
            NodeStatus status = admin.status(primary);
            List<String> helpers = status.helpers().stream()
                    .map(NodeStatus.HelperProgress::address)
                    .toList();
            assertEquals(1, helpers.size(), "only the group's own helper: " + helpers);
            assertFalse(helpers.contains(impostorAddress), helpers + " lists the impostor " + impostorAddress);
            assertEquals(before.term(), status.term(), "nothing fenced the primary");
        }
        GroupStatus after = group.status();
        assertEquals(before.currentPrimary(), after.currentPrimary());
        assertEquals(before.term(), after.term());
        assertEquals("Running", after.phase());
    }

    record Finished(int exitCode, String log) {}

    /** Runs the replica image with {@code args} as a pod in {@code namespace} until it exits. */
    private static Finished runToEnd(KubernetesClient client, String namespace, String name, List<String> args) {
        client.pods().inNamespace(namespace).resource(pod(name, args)).create();
        ContainerStateTerminated end = Group.await(name + " exits", POD_DONE)
                .until(
                        () -> terminated(client.pods()
                                .inNamespace(namespace)
                                .withName(name)
                                .get()),
                        Optional::isPresent)
                .orElseThrow();
        return new Finished(end.getExitCode(), log(client, namespace, name));
    }

    private static Optional<ContainerStateTerminated> terminated(Pod pod) {
        if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .map(s -> s.getState().getTerminated())
                .filter(t -> t != null)
                .findFirst();
    }

    private static String log(KubernetesClient client, String namespace, String name) {
        try {
            return client.pods().inNamespace(namespace).withName(name).getLog();
        } catch (RuntimeException e) {
            return ""; // not started yet
        }
    }

    private static Pod impostor(String primary) {
        List<String> args = new ArrayList<>(List.of(
                "serve",
                "--port",
                "7000",
                "--http-port",
                "8080",
                "--advertise",
                "$(POD_IP):7000",
                "--sync-acks",
                "1",
                "--tbc",
                primary));
        Pod pod = pod("impostor", args);
        pod.getSpec()
                .getContainers()
                .get(0)
                .getEnv()
                .add(new EnvVarBuilder()
                        .withName("POD_IP")
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("status.podIP")
                        .endFieldRef()
                        .endValueFrom()
                        .build());
        return pod;
    }

    /** A pod the restricted Pod Security Standard admits. */
    private static Pod pod(String name, List<String> args) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(10001L)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .addNewContainer()
                .withName("caller")
                .withImage("replicagroup/replica:" + Settings.imageVersion())
                .withImagePullPolicy("IfNotPresent")
                .withArgs(args)
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .endContainer()
                .endSpec()
                .build();
    }
}
