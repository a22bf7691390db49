package dev.replicagroup.operator.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The replica pod: one container running {@code serve}, locked down, probed over gRPC health. */
public final class ReplicaPods {
    /** How long a replica may take to open its port before the kubelet gives up on it. */
    static final int STARTUP_SECONDS = 300;

    /** The replica's gRPC port in every real pod. Read back from the pod (container port {@value #GRPC_PORT_NAME}). */
    public static final int GRPC_PORT = 7000;

    public static final String GRPC_PORT_NAME = "grpc";
    public static final int HTTP_PORT = 8080;
    public static final String TOKEN_DIR = "/etc/replicagroup";
    public static final String TOKEN_FILE = "admin-token";
    /**
     * With spec.tls: the plaintext port of grpc.health.v1 only, which the kubelet probes (it cannot check the
     * group's certificate), while {@value #GRPC_PORT} speaks TLS.
     */
    public static final int HEALTH_PORT = 7001;

    public static final String HEALTH_PORT_NAME = "health";
    /** With spec.tls: where the certificate, its key and the CA are, under {@value #TOKEN_DIR}. */
    public static final String TLS_DIR = TOKEN_DIR + "/tls";
    /** The volume at {@value #TOKEN_DIR} with spec.tls: the admin token and the TLS Secret's files. */
    static final String CREDENTIALS_VOLUME = "credentials";

    /** Where the member's volume is mounted, and the replica's {@code --data-dir}, with spec.storage. */
    public static final String DATA_DIR = "/data";
    /** A non-root user and group that need not exist in the image (files there are world-readable). */
    static final long RUN_AS = 10001L;

    /** Ten hex digits, as short as a Deployment's pod-template-hash and as unlikely to collide within a group. */
    private static final int REVISION_BYTES = 5;

    private static final ObjectMapper CANONICAL =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private ReplicaPods() {}

    /** How the replica starts (the replica's contract: docs/storage.md). */
    public sealed interface Start {
        /** The group's first primary: bootstraps term 1 (with an empty data directory). */
        record Bootstrap() implements Start {}

        /** A helper that joins the primary at {@code tbc} ({@code host:port}) and catches up from it. */
        record Join(String tbc) implements Start {}

        /**
         * A member of a group with no live primary ({@code --no-bootstrap}): it comes up fenced, on its data or
         * empty in term 0, and never promotes itself; the operator promotes one and the others follow it.
         */
        record Await() implements Start {}
    }

    /** The pod of member {@code ordinal}, labelled with the revision of the group's template. */
    public static Pod build(ReplicaGroup group, int ordinal, Start start, String defaultImage) {
        Pod pod = unlabelled(group, ordinal, start, defaultImage);
        pod.getMetadata().getLabels().put(Labels.REVISION, revision(group, defaultImage));
        return pod;
    }

    /**
     * The revision of the group's pod template: a hash of the pod a helper of ordinal 0 would get, so every
     * input of the pod (spec fields, the operator's default image, and what this class puts in) is in it
     * without a list to keep up, and what differs between members (name, role, {@code --tbc}) is not. Map keys
     * are sorted: the same spec with its keys in another order is the same revision.
     */
    public static String revision(ReplicaGroup group, String defaultImage) {
        Pod template = unlabelled(group, 0, new Start.Join(""), defaultImage);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(CANONICAL.writeValueAsBytes(template));
            return HexFormat.of().formatHex(digest, 0, REVISION_BYTES);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(
                    "hashing the pod template of " + group.getMetadata().getName(), e);
        }
    }

    private static Pod unlabelled(ReplicaGroup group, int ordinal, Start start, String defaultImage) {
        ReplicaGroupSpec spec = group.getSpec();
        String name = Names.pod(group.getMetadata().getName(), ordinal);
        Map<String, String> labels = Labels.common(group, "replica");
        labels.put(Labels.ROLE, start instanceof Start.Bootstrap ? Labels.PRIMARY : Labels.HELPER);
        boolean tls = GroupTls.enabled(spec);
        List<VolumeMount> mounts = new ArrayList<>(List.of(
                new VolumeMountBuilder()
                        .withName(tls ? CREDENTIALS_VOLUME : "admin-token")
                        .withMountPath(TOKEN_DIR)
                        .withReadOnly(true)
                        .build(),
                // The JVM, Netty and Vert.x need a writable /tmp on a read-only root filesystem.
                new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build()));
        List<Volume> volumes = new ArrayList<>(List.of(
                tls
                        ? credentials(group)
                        : new VolumeBuilder()
                                .withName("admin-token")
                                .withNewSecret()
                                .withSecretName(
                                        Names.tokenSecret(group.getMetadata().getName()))
                                .addNewItem()
                                .withKey(Secrets.TOKEN_KEY)
                                .withPath(TOKEN_FILE)
                                .endItem()
                                .withDefaultMode(0440)
                                .endSecret()
                                .build(),
                new VolumeBuilder()
                        .withName("tmp")
                        .withNewEmptyDir()
                        .endEmptyDir()
                        .build()));
        if (spec.getStorage() != null) {
            mounts.add(new VolumeMountBuilder()
                    .withName("data")
                    .withMountPath(DATA_DIR)
                    .build());
            volumes.add(new VolumeBuilder()
                    .withName("data")
                    .withNewPersistentVolumeClaim()
                    .withClaimName(Names.claim(name))
                    .endPersistentVolumeClaim()
                    .build());
        }
        // With TLS the kubelet probes the plaintext health port: it has no client certificate or CA to speak
        // TLS with, and a bare TCP connect to a TLS port would log a failed handshake every probe.
        int probed = tls ? HEALTH_PORT : GRPC_PORT;
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
                        .withArgs(args(group, start))
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
                        .addAllToPorts(
                                tls
                                        ? List.of(new ContainerPortBuilder()
                                                .withName(HEALTH_PORT_NAME)
                                                .withContainerPort(HEALTH_PORT)
                                                .withProtocol("TCP")
                                                .build())
                                        : List.of())
                        .withResources(ReplicaResources.of(spec.getResources()))
                        .withNewReadinessProbe()
                        .withNewGrpc()
                        .withPort(probed)
                        .endGrpc()
                        .withPeriodSeconds(spec.getReadinessProbe().getPeriodSeconds())
                        .withFailureThreshold(spec.getReadinessProbe().getFailureThreshold())
                        .withTimeoutSeconds(1)
                        .endReadinessProbe()
                        // A JVM on a busy node, or a replica replaying a long log, may take minutes to open its
                        // port; the liveness probe must not kill it meanwhile (restartPolicy Never: a killed
                        // replica fails its pod). Probed every second, so readiness starts as soon as it is up.
                        .withNewStartupProbe()
                        .withNewTcpSocket()
                        .withPort(new IntOrString(probed))
                        .endTcpSocket()
                        .withPeriodSeconds(1)
                        .withFailureThreshold(STARTUP_SECONDS)
                        .endStartupProbe()
                        // Only "is the process alive": a helper catching up is NOT_SERVING on gRPC health
                        // for a while, which must not get it restarted.
                        .withNewLivenessProbe()
                        .withNewTcpSocket()
                        .withPort(new IntOrString(probed))
                        .endTcpSocket()
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
                        .withVolumeMounts(mounts)
                        .build())
                .withVolumes(volumes)
                .endSpec()
                .build();
    }

    static List<String> args(ReplicaGroup group, Start start) {
        ReplicaGroupSpec spec = group.getSpec();
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
                Integer.toString(spec.getFailover().getClockDriftMillis()),
                "--max-read-staleness-ms",
                Integer.toString(spec.getReads().getMaxStalenessMillis())));
        if (spec.getStorage() != null) {
            args.addAll(List.of("--data-dir", DATA_DIR));
        }
        if (GroupTls.enabled(spec)) {
            args.addAll(List.of(
                    "--tls-cert-file",
                    TLS_DIR + "/" + GroupTls.TLS_CRT,
                    "--tls-key-file",
                    TLS_DIR + "/" + GroupTls.TLS_KEY,
                    "--tls-ca-file",
                    TLS_DIR + "/" + GroupTls.CA_CRT,
                    "--tls-peer-name",
                    GroupTls.peerName(group),
                    "--health-port",
                    Integer.toString(HEALTH_PORT)));
        }
        if (start instanceof Start.Join join) {
            args.addAll(List.of("--tbc", join.tbc()));
        } else if (start instanceof Start.Await) {
            args.add("--no-bootstrap");
        }
        return args;
    }

    /**
     * With spec.tls, the admin token and the TLS Secret's files in one projected volume at {@value #TOKEN_DIR}: a
     * second volume mounted inside the token's read-only one would need a mount point the runtime cannot make
     * there. Whole keys, no subPath: the kubelet updates the files when the Secret changes, and the replica
     * re-reads them (a renewed certificate is served without a restart).
     */
    private static Volume credentials(ReplicaGroup group) {
        return new VolumeBuilder()
                .withName(CREDENTIALS_VOLUME)
                .withNewProjected()
                .withDefaultMode(0440)
                .addNewSource()
                .withNewSecret()
                .withName(Names.tokenSecret(group.getMetadata().getName()))
                .addNewItem()
                .withKey(Secrets.TOKEN_KEY)
                .withPath(TOKEN_FILE)
                .endItem()
                .endSecret()
                .endSource()
                .addNewSource()
                .withNewSecret()
                .withName(GroupTls.secretName(group))
                .withItems(GroupTls.POD_KEYS.stream()
                        .map(key -> new KeyToPath(key, null, "tls/" + key))
                        .toList())
                .endSecret()
                .endSource()
                .endProjected()
                .build();
    }

    /**
     * The TLS Secret a pod was built to read (the pod's own, not the group's current spec: during a rolling update
     * that turns TLS on or off, some pods speak TLS and some do not); empty for a plaintext pod.
     */
    public static Optional<String> tlsSecret(Pod pod) {
        return pod.getSpec().getVolumes().stream()
                .filter(v -> CREDENTIALS_VOLUME.equals(v.getName()) && v.getProjected() != null)
                .flatMap(v -> v.getProjected().getSources().stream())
                .map(VolumeProjection::getSecret)
                .filter(secret -> secret != null
                        && secret.getItems() != null
                        && secret.getItems().stream().anyMatch(i -> i.getPath().startsWith("tls/")))
                .map(SecretProjection::getName)
                .findFirst();
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
