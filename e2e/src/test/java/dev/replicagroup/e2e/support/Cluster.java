package dev.replicagroup.e2e.support;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cluster the suite runs against, one per JVM. With -De2e.engine=k3s (make e2e CLUSTER_ENGINE=k3s) a k3s
 * container (Testcontainers); otherwise, in order: -De2e.kubeconfig, $KUBECONFIG, the local cluster's kubeconfig
 * (cluster/up.sh), ~/.kube/config, and when none exists and a Docker engine is there, a k3s container. The k3s
 * image must be in Docker or pullable: on the build machines no registry is reachable, so that path fails there.
 */
public final class Cluster {
    private static Cluster instance;

    private final Path kubeconfig;
    private final KubernetesClient client;
    private final Tools tools;
    private final String description;

    private Cluster(Path kubeconfig, String description) {
        this.kubeconfig = kubeconfig;
        this.description = description;
        try {
            Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
            this.client = new KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.tools = new Tools(kubeconfig);
    }

    public static synchronized Cluster get() {
        if (instance == null) {
            instance = connect();
            System.out.println("e2e: using " + instance.description);
        }
        return instance;
    }

    private static Cluster connect() {
        if ("k3s".equals(System.getProperty("e2e.engine"))) {
            if (!K3sCluster.dockerAvailable()) {
                throw new IllegalStateException("e2e.engine=k3s needs a Docker engine, and none answers");
            }
            return new Cluster(K3sCluster.start(), "a k3s container (Testcontainers)");
        }
        Optional<Path> kubeconfig =
                candidates().stream().filter(Files::isReadable).findFirst();
        if (kubeconfig.isPresent()) {
            return new Cluster(kubeconfig.get(), "the cluster of " + kubeconfig.get());
        }
        if (K3sCluster.dockerAvailable()) {
            return new Cluster(K3sCluster.start(), "a k3s container (Testcontainers)");
        }
        throw new IllegalStateException("no cluster: none of " + candidates() + " exists and no Docker engine"
                + " answers. Run `sudo cluster/up.sh` (local cluster) or set KUBECONFIG.");
    }

    static List<Path> candidates() {
        List<Path> paths = new ArrayList<>();
        Optional.ofNullable(System.getProperty("e2e.kubeconfig"))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .ifPresent(paths::add);
        Optional.ofNullable(System.getenv("KUBECONFIG"))
                .filter(s -> !s.isBlank())
                .map(s -> Path.of(s.split(java.io.File.pathSeparator, -1)[0]))
                .ifPresent(paths::add);
        paths.add(Settings.LOCAL_CLUSTER_KUBECONFIG);
        paths.add(Path.of(System.getProperty("user.home"), ".kube", "config"));
        return paths;
    }

    public KubernetesClient client() {
        return client;
    }

    public Tools tools() {
        return tools;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }
}
