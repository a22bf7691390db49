package dev.replicagroup.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The fallback for machines with a Docker engine and no cluster: a k3s container with the project's images
 * imported into its containerd (they are local, never pulled). The load tests reach ClusterIPs and pod IPs
 * from the host, so as root this adds routes to k3s's pod and service networks through the container.
 */
final class K3sCluster {
    private static final String IMAGE = System.getProperty("e2e.k3s.image", "rancher/k3s:v1.34.1-k3s1");

    private K3sCluster() {}

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @SuppressWarnings("resource") // lives as long as the JVM; Testcontainers' reaper removes it
    static Path start() {
        K3sContainer k3s = new K3sContainer(DockerImageName.parse(IMAGE));
        k3s.start();
        try {
            for (String module : new String[] {"replica", "operator"}) {
                importImage(k3s, "replicagroup/" + module + ":" + Settings.imageVersion());
            }
            importImage(k3s, Settings.nextReplicaImage());
            routeToClusterNetworks(k3s);
            Path kubeconfig = Settings.output().resolve("k3s-kubeconfig");
            Files.writeString(kubeconfig, k3s.getKubeConfigYaml());
            return kubeconfig;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void importImage(K3sContainer k3s, String image) throws IOException, InterruptedException {
        Path tar = Files.createTempFile("e2e-image", ".tar");
        if (new ProcessBuilder("docker", "save", "-o", tar.toString(), image)
                        .inheritIO()
                        .start()
                        .waitFor()
                != 0) {
            throw new IllegalStateException("docker save " + image + " failed: build it with scripts/build-images.sh");
        }
        k3s.copyFileToContainer(MountableFile.forHostPath(tar), "/tmp/image.tar");
        var result = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", "/tmp/image.tar");
        Files.deleteIfExists(tar);
        if (result.getExitCode() != 0) {
            throw new IllegalStateException("importing " + image + " into k3s failed: " + result.getStderr());
        }
    }

    private static void routeToClusterNetworks(K3sContainer k3s) throws IOException, InterruptedException {
        String ip = k3s.getContainerInfo()
                .getNetworkSettings()
                .getNetworks()
                .values()
                .iterator()
                .next()
                .getIpAddress();
        for (String cidr : new String[] {"10.42.0.0/16", "10.43.0.0/16"}) {
            int rc = new ProcessBuilder("ip", "route", "replace", cidr, "via", ip)
                    .inheritIO()
                    .start()
                    .waitFor();
            if (rc != 0) {
                System.out.println("e2e: could not route " + cidr + " via the k3s container (not root?): the load"
                        + " tests will not reach the replicas");
            }
        }
    }
}
