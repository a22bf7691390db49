package dev.replicagroup.e2e.support;

import dev.replicagroup.replica.client.ClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where things are (set by the failsafe configuration in e2e/pom.xml, with defaults for an IDE run) and every
 * time the suite waits or asserts, in one place. Waits are generous (a slow machine must not fail a test); the
 * one timing the suite asserts is {@link #FAULT_TO_WRITE_CEILING}, a ceiling far above the goals that
 * bench/REPORT.md measures, so that only a regression fails it.
 */
public final class Settings {
    /** The first start of a JVM per pod on a 2-core node under a parallel build is slow. */
    public static final Duration SETTLE = Duration.ofMinutes(4);
    /** How long the load runs before the fault and after the repoint: enough writes on both sides to count. */
    public static final Duration STEADY = Duration.ofSeconds(5);
    /** How long a test waits for the failover to show (Promoted event, new primary behind the Service). */
    public static final Duration FAILOVER_WAIT = Duration.ofSeconds(90);
    /** A rolling update of the example's three pods: each new JVM starts and catches up, one after the other. */
    public static final Duration ROLLING_UPDATE_WAIT = Duration.ofMinutes(6);
    /** For an event that follows a change at once (ScaledUp, the Lease taken). */
    public static final Duration EVENT_WAIT = Duration.ofMinutes(1);
    /** Fault to the first write acknowledged after the outage, with default settings (issue 8: goals 1–3 s). */
    public static final Duration FAULT_TO_WRITE_CEILING = Duration.ofMillis(Long.getLong("e2e.fault-ceiling-ms", 5000));
    /** The same when the operator's leader dies mid-failover too (goal p99 ≤ 6 s: a new leader takes the Lease). */
    public static final Duration LEADER_LOSS_CEILING = Duration.ofMillis(Long.getLong("e2e.leader-ceiling-ms", 12000));
    /**
     * The node controller marks a node NotReady after its grace period (50 s in Kubernetes 1.34) and then evicts
     * its pods: a stopped kubelet is resumed long before, whatever the failover did.
     */
    public static final Duration KUBELET_STOPPED_AT_MOST = Duration.ofSeconds(20);
    /** The pause test: the primary stopped this long ... */
    public static final Duration PAUSE = Duration.ofMillis(300);
    /** ... every this often ... */
    public static final Duration PAUSE_EVERY = Duration.ofSeconds(3);
    /** ... for this long, and no failover may follow. */
    public static final Duration PAUSES_FOR = Duration.ofMinutes(1);
    /** The operator's log level for dev.replicagroup (-De2e.operator-log-level=DEBUG shows each failover step). */
    public static final String OPERATOR_LOG_LEVEL = System.getProperty("e2e.operator-log-level", "INFO");
    /** Load clients through the primary Service, and the share of their operations that are reads. */
    public static final int LOAD_CLIENTS = 4;

    public static final double LOAD_READ_RATIO = 0.3;
    /** The register workload beside it: few clients and keys keep Porcupine's search short. */
    public static final int REGISTER_CLIENTS = 2;

    public static final int REGISTER_KEYS = 5;
    /** How long tools/lincheck may take on the register workload's history. */
    public static final Duration LINCHECK_TIMEOUT = Duration.ofMinutes(3);
    /**
     * The load's client library: 30 s of retries per operation, at most 1 s per attempt (a frozen primary holds a
     * client that long), the Active List refreshed every second.
     */
    public static final ClientOptions LOAD_CLIENT =
            new ClientOptions(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(1));
    /** Reading every acknowledged write back at the end may follow a failover still settling. */
    public static final Duration VERIFY_DEADLINE = Duration.ofSeconds(60);
    /** kubectl and helm as a test step (helm install --wait included), and as a diagnostic after a failure. */
    public static final Duration TOOL_COMMAND = Duration.ofMinutes(10);

    public static final Duration DIAGNOSTIC_COMMAND = Duration.ofMinutes(1);
    /** helm install --wait: both operator pods Ready. */
    public static final Duration HELM_WAIT = Duration.ofMinutes(5);
    /** kill, ctr, nsenter iptables on the node. */
    public static final Duration HOST_COMMAND = Duration.ofSeconds(30);
    /** How often awaited conditions are polled (the API server on a 2-core node is not to be hammered). */
    public static final Duration POLL = Duration.ofMillis(250);
    /** One admin Status call from the suite to a replica (ServingMonitor), and how often each is asked. */
    public static final Duration STATUS_CALL = Duration.ofMillis(300);

    public static final Duration STATUS_EVERY = Duration.ofMillis(100);
    /** The local cluster's fixed kubeconfig path (cluster/README.md). */
    static final Path LOCAL_CLUSTER_KUBECONFIG = Path.of("/var/lib/replicagroup-cluster/kubeconfig");
    /** The pinned kubectl and helm that cluster/build.sh makes. */
    static final Path LOCAL_CLUSTER_TOOLS = Path.of("/var/cache/replicagroup/bin/current");
    /** The local cluster's kubelet (cluster/up.sh starts it with nohup setsid and keeps its pid here). */
    static final Path LOCAL_KUBELET_PID = Path.of("/var/lib/replicagroup-cluster/run/kubelet.pid");
    /** The socket of the cluster's own containerd (not Docker's), for host PIDs of containers. */
    static final Path LOCAL_CONTAINERD_SOCKET = Path.of("/var/lib/replicagroup-cluster/run/containerd/containerd.sock");

    private Settings() {}

    public static Path repoRoot() {
        String root = System.getProperty("e2e.repo.root");
        Path path = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
        if (!Files.isDirectory(path.resolve("helm/replicagroup-operator"))) {
            throw new IllegalStateException("not the repository root: " + path + " (set -De2e.repo.root)");
        }
        return path;
    }

    /** The version tag of replicagroup/replica and replicagroup/operator (scripts/build-images.sh). */
    public static String imageVersion() {
        return System.getProperty("e2e.version", "0.1.0-SNAPSHOT");
    }

    /**
     * A second tag of the replica image (scripts/build-images.sh): the same image under another name, which a
     * ReplicaGroup's spec.image can change to (RollingUpdateIT).
     */
    public static String nextReplicaImage() {
        return "replicagroup/replica:" + imageVersion() + "-next";
    }

    /** e2e/target: failure dumps and failover-times.txt. */
    public static Path output() {
        Path out = Path.of(System.getProperty("e2e.output", "target"));
        try {
            Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /** How many times a failover test repeats its fault on the same group (bench/k8s-failover.sh sets more). */
    public static int repeats() {
        return Integer.getInteger("e2e.repeat", 1);
    }

    static Optional<String> property(String name, String env) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    static Path containerdSocket() {
        return property("e2e.containerd.socket", "E2E_CONTAINERD_SOCKET")
                .map(Path::of)
                .orElse(LOCAL_CONTAINERD_SOCKET);
    }
}
