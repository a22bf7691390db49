package dev.replicagroup.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a failed end-to-end test leaves behind: every object, event and pod log (current and previous
 * container) of its namespace, written with kubectl so the files read like what a user would look at.
 */
final class Diagnostics {
    private Diagnostics() {}

    static void dump(Cluster cluster, String namespace, String test) {
        Path dir = Settings.output().resolve("e2e-dumps").resolve(test);
        Tools tools = cluster.tools();
        try {
            Files.createDirectories(dir);
            write(
                    dir.resolve("objects.txt"),
                    tools.kubectlQuietly(
                            "get",
                            "all,rg,endpointslices,leases,pdb,secrets",
                            "-n",
                            namespace,
                            "-o",
                            "wide",
                            "--show-labels"));
            write(
                    dir.resolve("objects.yaml"),
                    tools.kubectlQuietly(
                            "get", "rg,pods,services,endpointslices,leases", "-n", namespace, "-o", "yaml"));
            write(
                    dir.resolve("events.txt"),
                    tools.kubectlQuietly(
                            "get", "events", "-n", namespace, "--sort-by=.metadata.creationTimestamp", "-o", "wide"));
            write(dir.resolve("describe-pods.txt"), tools.kubectlQuietly("describe", "pods", "-n", namespace));
            for (Pod pod : cluster.client().pods().inNamespace(namespace).list().getItems()) {
                String name = pod.getMetadata().getName();
                write(
                        dir.resolve(name + ".log"),
                        tools.kubectlQuietly("logs", "-n", namespace, name, "--all-containers", "--timestamps"));
                Tools.Result previous = tools.kubectlQuietly(
                        "logs", "-n", namespace, name, "--all-containers", "--timestamps", "--previous");
                if (previous.exitCode() == 0) {
                    write(dir.resolve(name + ".previous.log"), previous);
                }
            }
            System.out.println("e2e: failure dump in " + dir.toAbsolutePath());
        } catch (IOException | RuntimeException e) {
            System.out.println("e2e: could not dump " + namespace + ": " + e);
        }
    }

    private static void write(Path file, Tools.Result result) throws IOException {
        Files.writeString(
                file,
                result.exitCode() == 0 ? result.output() : "# exit " + result.exitCode() + "\n" + result.output());
    }
}
