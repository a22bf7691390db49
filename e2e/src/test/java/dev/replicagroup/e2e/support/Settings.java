package dev.replicagroup.e2e.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where things are: set by the failsafe configuration in e2e/pom.xml, with defaults for an IDE run. */
public final class Settings {
    /** The local cluster's fixed kubeconfig path (cluster/README.md). */
    static final Path LOCAL_CLUSTER_KUBECONFIG = Path.of("/var/lib/replicagroup-cluster/kubeconfig");
    /** The pinned kubectl and helm that cluster/build.sh makes. */
    static final Path LOCAL_CLUSTER_TOOLS = Path.of("/var/cache/replicagroup/bin/current");
    /** The socket of the cluster's own containerd (not Docker's), for host PIDs of containers. */
    static final Path LOCAL_CONTAINERD_SOCKET = Path.of("/var/lib/replicagroup-cluster/run/containerd/containerd.sock");

    private Settings() {
    }

    public static Path repoRoot() {
        String root = System.getProperty("e2e.repo.root");
        Path path = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
        if (!Files.isDirectory(path.resolve("replica"))) {
            throw new IllegalStateException("not the repository root: " + path + " (set -De2e.repo.root)");
        }
        return path;
    }

    /** The version tag of replicagroup/replica and replicagroup/operator (scripts/build-images.sh). */
    public static String imageVersion() {
        return System.getProperty("e2e.version", "0.1.0-SNAPSHOT");
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

    static Optional<String> property(String name, String env) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    static Path containerdSocket() {
        return property("e2e.containerd.socket", "E2E_CONTAINERD_SOCKET").map(Path::of).orElse(LOCAL_CONTAINERD_SOCKET);
    }
}
