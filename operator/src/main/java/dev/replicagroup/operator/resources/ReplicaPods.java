package dev.replicagroup.operator.resources;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The replica pod: one container running {@code serve}, locked down, probed over gRPC health. */
public final class ReplicaPods {
    /** The replica's gRPC port in every real pod. Read back from the pod (container port {@value #GRPC_PORT_NAME}). */
    public static final int GRPC_PORT = 7000;

    public static final String GRPC_PORT_NAME = "grpc";
    public static final int HTTP_PORT = 8080;
    public static final String TOKEN_DIR = "/etc/replicagroup";
    public static final String TOKEN_FILE = "admin-token";
    /** A non-root user and group that need not exist in the image (files there are world-readable). */
    static final long RUN_AS = 10001L;

    private ReplicaPods() {}

    /**
     * @param tbc the current primary's address ({@code host:port}) for a helper; empty for the first primary
     */
    public static Pod build(ReplicaGroup group, int ordinal, String role, Optional<String> tbc, String defaultImage) {
        ReplicaGroupSpec spec = group.getSpec();
        String name = Names.pod(group.getMetadata().getName(), ordinal);
        Map<String, String> labels = Labels.common(group, "replica");
        labels.put(Labels.ROLE, role);
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(group.getMetadata().getNamespace())
                .withLabels(labels)
                .withOwnerReferences(Owners.of(group))
                .endMetadata()
                .withNewSpec()
                // A stable DNS name <pod>.<group>-peers for humans and tools; replicas use pod IPs.
                .withHostname(name)
                .withSubdomain(Names.peersService(group.getMetadata().getName()))
                // Never: a restarted container would rerun the same `serve` arguments, and for the first pod
                // (no --tbc) that is an empty primary of term 1 whose helpers rejoin it and drop their data
                // (e2e FailoverIT.primaryJvmKilled lost every write when the restart beat the failover
                // delay). A dead replica process must fail its pod, which the operator replaces.
                .withRestartPolicy("Never")
                .withTerminationGracePeriodSeconds(10L)
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withNodeSelector(spec.getNodeSelector())
                .withTolerations(spec.getTolerations())
                .withAffinity(spec.getAffinity() != null ? spec.getAffinity() : spreadAcrossNodes(group))
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(RUN_AS)
                .withRunAsGroup(RUN_AS)
                .withFsGroup(RUN_AS)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .addToContainers(new ContainerBuilder()
                        .withName("replica")
                        .withImage(
                                spec.getImage() != null && !spec.getImage().isBlank() ? spec.getImage() : defaultImage)
                        .withImagePullPolicy(spec.getImagePullPolicy())
                        .withArgs(args(spec, tbc))
                        .addNewEnv()
                        .withName("POD_IP")
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("status.podIP")
                        .endFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .addNewPort()
                        .withName(GRPC_PORT_NAME)
                        .withContainerPort(GRPC_PORT)
                        .withProtocol("TCP")
                        .endPort()
                        .addNewPort()
                        .withName("http")
                        .withContainerPort(HTTP_PORT)
                        .withProtocol("TCP")
                        .endPort()
                        .withResources(spec.getResources())
                        .withNewReadinessProbe()
                        .withNewGrpc()
                        .withPort(GRPC_PORT)
                        .endGrpc()
                        .withPeriodSeconds(spec.getReadinessProbe().getPeriodSeconds())
                        .withFailureThreshold(spec.getReadinessProbe().getFailureThreshold())
                        .withTimeoutSeconds(1)
                        .endReadinessProbe()
                        // Only "is the process alive": a helper catching up is NOT_SERVING on gRPC health
                        // for a while, which must not get it restarted.
                        .withNewLivenessProbe()
                        .withNewTcpSocket()
                        .withPort(new IntOrString(GRPC_PORT))
                        .endTcpSocket()
                        .withInitialDelaySeconds(10)
                        .withPeriodSeconds(10)
                        .withFailureThreshold(6)
                        .endLivenessProbe()
                        .withNewSecurityContext()
                        .withAllowPrivilegeEscalation(false)
                        .withReadOnlyRootFilesystem(true)
                        .withPrivileged(false)
                        .withNewCapabilities()
                        .withDrop("ALL")
                        .endCapabilities()
                        .endSecurityContext()
                        .addNewVolumeMount()
                        .withName("admin-token")
                        .withMountPath(TOKEN_DIR)
                        .withReadOnly(true)
                        .endVolumeMount()
                        // The JVM, Netty and Vert.x need a writable /tmp on a read-only root filesystem.
                        .addNewVolumeMount()
                        .withName("tmp")
                        .withMountPath("/tmp")
                        .endVolumeMount()
                        .build())
                .addNewVolume()
                .withName("admin-token")
                .withNewSecret()
                .withSecretName(Names.tokenSecret(group.getMetadata().getName()))
                .addNewItem()
                .withKey(Secrets.TOKEN_KEY)
                .withPath(TOKEN_FILE)
                .endItem()
                .withDefaultMode(0440)
                .endSecret()
                .endVolume()
                .addNewVolume()
                .withName("tmp")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .endSpec()
                .build();
    }

    static List<String> args(ReplicaGroupSpec spec, Optional<String> tbc) {
        List<String> args = new ArrayList<>(List.of(
                "serve",
                "--port",
                Integer.toString(GRPC_PORT),
                "--http-port",
                Integer.toString(HTTP_PORT),
                "--advertise",
                "$(POD_IP):" + GRPC_PORT,
                "--sync-acks",
                Integer.toString(spec.getSyncAcks()),
                "--admin-token-file",
                TOKEN_DIR + "/" + TOKEN_FILE,
                "--heartbeat-ms",
                Integer.toString(spec.getFailover().getHeartbeatMillis()),
                "--lease-ms",
                Integer.toString(spec.getFailover().getLeaseMillis()),
                "--detection-ms",
                Integer.toString(spec.getFailover().getDetectionMillis()),
                "--clock-drift-ms",
                Integer.toString(spec.getFailover().getClockDriftMillis())));
        tbc.ifPresent(primary -> args.addAll(List.of("--tbc", primary)));
        return args;
    }

    /** Replicas of one group prefer different nodes, so one node failure takes at most one of them. */
    static Affinity spreadAcrossNodes(ReplicaGroup group) {
        return new AffinityBuilder()
                .withNewPodAntiAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(100)
                .withNewPodAffinityTerm()
                .withTopologyKey("kubernetes.io/hostname")
                .withNewLabelSelector()
                .withMatchLabels(Labels.groupSelector(group))
                .endLabelSelector()
                .endPodAffinityTerm()
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
                .build();
    }

    /** The replica's gRPC address as the pod reports it: pod IP and the port named {@value #GRPC_PORT_NAME}. */
    public static Optional<String> address(Pod pod) {
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        if (ip == null || ip.isBlank()) {
            return Optional.empty();
        }
        return pod.getSpec().getContainers().stream()
                .flatMap(c -> c.getPorts().stream())
                .filter(p -> GRPC_PORT_NAME.equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .map(port -> (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port);
    }
}
