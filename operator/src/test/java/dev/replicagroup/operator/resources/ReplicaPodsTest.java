package dev.replicagroup.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import dev.replicagroup.operator.crd.StorageSpec;
import dev.replicagroup.operator.crd.TlsSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicaPodsTest {
    static ReplicaGroup group() {
        ReplicaGroup group = new ReplicaGroup();
        group.setMetadata(new ObjectMetaBuilder()
                .withName("demo")
                .withNamespace("ns")
                .withUid("u-1")
                .build());
        group.setSpec(new ReplicaGroupSpec());
        return group;
    }

    static ReplicaGroup withStorage() {
        ReplicaGroup group = group();
        StorageSpec storage = new StorageSpec();
        storage.setSize("1Gi");
        group.getSpec().setStorage(storage);
        return group;
    }

    static TlsSpec tls(String secretName) {
        TlsSpec tls = new TlsSpec();
        tls.setEnabled(true);
        tls.setSecretName(secretName);
        return tls;
    }

    static ReplicaGroup withTls(String secretName) {
        ReplicaGroup group = group();
        group.getSpec().setTls(tls(secretName));
        return group;
    }

    private static List<String> args(Pod pod) {
        return pod.getSpec().getContainers().get(0).getArgs();
    }

    @Test
    void withStorageAMemberMountsTheClaimNamedForItsPodAtDataAndTheReplicaKeepsItsDataThere() {
        Pod pod = ReplicaPods.build(withStorage(), 1, new ReplicaPods.Start.Join("10.0.0.0:7000"), "img:1");
        Volume data = pod.getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("data"))
                .findFirst()
                .orElseThrow();
        assertEquals("demo-1-data", data.getPersistentVolumeClaim().getClaimName());
        assertTrue(pod.getSpec().getContainers().get(0).getVolumeMounts().stream()
                .anyMatch(m -> m.getName().equals("data") && m.getMountPath().equals("/data")));
        assertEquals("/data", args(pod).get(args(pod).indexOf("--data-dir") + 1));
        // It joins the live primary, so it needs no --no-bootstrap: it catches up from the primary.
        assertEquals("10.0.0.0:7000", args(pod).get(args(pod).indexOf("--tbc") + 1));
        assertFalse(args(pod).contains("--no-bootstrap"));
        // The volume is written by the replica's user: the pod's fsGroup owns it.
        assertEquals(10001L, pod.getSpec().getSecurityContext().getFsGroup());
    }

    @Test
    void aMemberOfAGroupWithoutALivePrimaryNeverBootstrapsAnEmptyPrimary() {
        Pod pod = ReplicaPods.build(withStorage(), 2, new ReplicaPods.Start.Await(), "img:1");
        assertTrue(args(pod).contains("--no-bootstrap"));
        assertFalse(args(pod).contains("--tbc"));
        assertEquals("/data", args(pod).get(args(pod).indexOf("--data-dir") + 1));
        assertEquals("helper", pod.getMetadata().getLabels().get(Labels.ROLE));
    }

    @Test
    void withoutStorageNothingIsKeptOnDisk() {
        Pod pod = ReplicaPods.build(group(), 0, new ReplicaPods.Start.Bootstrap(), "img:1");
        assertFalse(args(pod).contains("--data-dir"));
        assertFalse(args(pod).contains("--no-bootstrap"));
        assertTrue(pod.getSpec().getVolumes().stream().noneMatch(v -> v.getPersistentVolumeClaim() != null));
        assertEquals("primary", pod.getMetadata().getLabels().get(Labels.ROLE));
    }

    @Test
    void aHelperIsStartedWithTheCurrentPrimaryAsTbc() {
        Pod pod = ReplicaPods.build(group(), 2, new ReplicaPods.Start.Join("10.0.0.1:7000"), "img:1");
        List<String> args = pod.getSpec().getContainers().get(0).getArgs();
        assertEquals("demo-2", pod.getMetadata().getName());
        assertEquals("10.0.0.1:7000", args.get(args.indexOf("--tbc") + 1));
        assertEquals("1", args.get(args.indexOf("--sync-acks") + 1));
        assertEquals(
                List.of("100", "500", "800", "200"),
                List.of(
                        args.get(args.indexOf("--heartbeat-ms") + 1),
                        args.get(args.indexOf("--lease-ms") + 1),
                        args.get(args.indexOf("--detection-ms") + 1),
                        args.get(args.indexOf("--clock-drift-ms") + 1)));
        assertEquals("helper", pod.getMetadata().getLabels().get(Labels.ROLE));
        assertEquals("demo", pod.getMetadata().getLabels().get(Labels.GROUP));
        assertEquals("u-1", pod.getMetadata().getOwnerReferences().get(0).getUid());
    }

    @Test
    void theFirstPrimaryHasNoTbc() {
        Pod pod = ReplicaPods.build(group(), 0, new ReplicaPods.Start.Bootstrap(), "img:1");
        assertFalse(pod.getSpec().getContainers().get(0).getArgs().contains("--tbc"));
        // so its container must never be restarted in place: it would come back as an empty primary
        assertEquals("Never", pod.getSpec().getRestartPolicy());
        assertEquals("img:1", pod.getSpec().getContainers().get(0).getImage());
    }

    @Test
    void podsAreLockedDown() {
        Pod pod = ReplicaPods.build(group(), 0, new ReplicaPods.Start.Bootstrap(), "img:1");
        var podSecurity = pod.getSpec().getSecurityContext();
        var container = pod.getSpec().getContainers().get(0).getSecurityContext();
        assertTrue(podSecurity.getRunAsNonRoot());
        assertEquals("RuntimeDefault", podSecurity.getSeccompProfile().getType());
        assertTrue(container.getReadOnlyRootFilesystem());
        assertFalse(container.getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), container.getCapabilities().getDrop());
        assertEquals(
                7000,
                pod.getSpec()
                        .getContainers()
                        .get(0)
                        .getReadinessProbe()
                        .getGrpc()
                        .getPort());
        assertEquals(
                "kubernetes.io/hostname",
                pod.getSpec()
                        .getAffinity()
                        .getPodAntiAffinity()
                        .getPreferredDuringSchedulingIgnoredDuringExecution()
                        .get(0)
                        .getPodAffinityTerm()
                        .getTopologyKey());
    }

    @Test
    void aSlowStartIsNotKilledByTheLivenessProbe() {
        var container = ReplicaPods.build(group(), 0, new ReplicaPods.Start.Bootstrap(), "img:1")
                .getSpec()
                .getContainers()
                .get(0);
        var startup = container.getStartupProbe();
        assertEquals(7000, startup.getTcpSocket().getPort().getIntVal());
        assertEquals(
                ReplicaPods.STARTUP_SECONDS,
                startup.getPeriodSeconds() * startup.getFailureThreshold(),
                "minutes to open the port (a busy node, a long log to replay)");
        assertEquals(1, startup.getPeriodSeconds(), "readiness is probed within a second of the port opening");
        assertTrue(
                container.getLivenessProbe().getInitialDelaySeconds() == null,
                "the startup probe holds the liveness probe off, not a guessed delay");
    }

    @Test
    void theAddressComesFromThePodIpAndItsGrpcPort() {
        Pod pod = ReplicaPods.build(group(), 0, new ReplicaPods.Start.Bootstrap(), "img:1");
        assertEquals(Optional.empty(), ReplicaPods.address(pod));
        pod.setStatus(new PodStatusBuilder().withPodIP("127.0.0.1").build());
        pod.getSpec().getContainers().get(0).getPorts().get(0).setContainerPort(41234);
        assertEquals(Optional.of("127.0.0.1:41234"), ReplicaPods.address(pod));
    }

    @Test
    void withTlsTheReplicaServesTheSecretsCertificateAndTheKubeletProbesThePlaintextHealthPort() {
        Pod pod = ReplicaPods.build(withTls(null), 1, new ReplicaPods.Start.Join("10.0.0.0:7000"), "img:1");
        Container replica = pod.getSpec().getContainers().get(0);
        List<String> args = replica.getArgs();
        assertEquals("/etc/replicagroup/tls/tls.crt", args.get(args.indexOf("--tls-cert-file") + 1));
        assertEquals("/etc/replicagroup/tls/tls.key", args.get(args.indexOf("--tls-key-file") + 1));
        assertEquals("/etc/replicagroup/tls/ca.crt", args.get(args.indexOf("--tls-ca-file") + 1));
        assertEquals("demo-peers.ns.svc", args.get(args.indexOf("--tls-peer-name") + 1));
        assertEquals("7001", args.get(args.indexOf("--health-port") + 1));
        assertEquals("/etc/replicagroup/admin-token", args.get(args.indexOf("--admin-token-file") + 1));
        assertTrue(replica.getPorts().stream()
                .anyMatch(p -> p.getName().equals("health") && p.getContainerPort() == 7001));
        assertEquals(7001, replica.getReadinessProbe().getGrpc().getPort());
        assertEquals(7001, replica.getLivenessProbe().getTcpSocket().getPort().getIntVal());
        assertEquals(7001, replica.getStartupProbe().getTcpSocket().getPort().getIntVal());
        // Clients and peers still dial the gRPC port, which now speaks TLS.
        assertEquals(Optional.of("10.0.0.9:7000"), ReplicaPods.address(withIp(pod, "10.0.0.9")));

        // One volume at /etc/replicagroup with the token and the Secret's three keys under tls/: whole files, no
        // subPath, so the kubelet updates them when the Secret is renewed.
        Volume credentials = pod.getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("credentials"))
                .findFirst()
                .orElseThrow();
        List<String> paths = credentials.getProjected().getSources().stream()
                .flatMap(s -> s.getSecret().getItems().stream()
                        .map(i -> s.getSecret().getName() + ":" + i.getKey() + "->" + i.getPath()))
                .toList();
        assertEquals(
                List.of(
                        "demo-admin-token:token->admin-token",
                        "demo-tls:tls.crt->tls/tls.crt",
                        "demo-tls:tls.key->tls/tls.key",
                        "demo-tls:ca.crt->tls/ca.crt"),
                paths);
        assertTrue(replica.getVolumeMounts().stream()
                .anyMatch(m -> m.getName().equals("credentials")
                        && m.getMountPath().equals("/etc/replicagroup")
                        && m.getSubPath() == null));
        assertTrue(
                pod.getSpec().getVolumes().stream().noneMatch(v -> v.getName().equals("admin-token")));
        assertEquals(Optional.of("demo-tls"), ReplicaPods.tlsSecret(pod));
    }

    @Test
    void withAUsersSecretThePodsMountThatOne() {
        Pod pod = ReplicaPods.build(withTls("demo-certs"), 0, new ReplicaPods.Start.Bootstrap(), "img:1");
        assertEquals(Optional.of("demo-certs"), ReplicaPods.tlsSecret(pod));
    }

    @Test
    void withoutTlsNothingOfItIsInThePod() {
        Pod plain = ReplicaPods.build(group(), 1, new ReplicaPods.Start.Join("10.0.0.0:7000"), "img:1");
        ReplicaGroup off = group();
        off.getSpec().setTls(new TlsSpec());
        // spec.tls with enabled false builds the very same pod as no spec.tls at all.
        assertEquals(
                Serialization.asJson(plain),
                Serialization.asJson(ReplicaPods.build(off, 1, new ReplicaPods.Start.Join("10.0.0.0:7000"), "img:1")));
        assertTrue(args(plain).stream().noneMatch(a -> a.startsWith("--tls") || a.equals("--health-port")));
        Container replica = plain.getSpec().getContainers().get(0);
        assertEquals(7000, replica.getReadinessProbe().getGrpc().getPort());
        assertTrue(replica.getPorts().stream().noneMatch(p -> p.getName().equals("health")));
        assertEquals(Optional.empty(), ReplicaPods.tlsSecret(plain));
    }

    private static Pod withIp(Pod pod, String ip) {
        pod.setStatus(new PodStatusBuilder().withPodIP(ip).build());
        return pod;
    }
}
