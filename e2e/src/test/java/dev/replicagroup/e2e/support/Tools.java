package dev.replicagroup.e2e.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs kubectl and helm the way a user would, against the suite's cluster. The pinned binaries of the local
 * cluster are preferred to whatever is on PATH (Debian's kubectl is 1.20, too old for this API server).
 */
public final class Tools {
    private final Path kubeconfig;

    Tools(Path kubeconfig) {
        this.kubeconfig = kubeconfig;
    }

    public String kubectl(String... args) {
        return run(binary("kubectl"), args);
    }

    public String helm(String... args) {
        return run(binary("helm"), args);
    }

    /** kubectl whose failure is returned, not thrown (for diagnostics). */
    public Result kubectlQuietly(String... args) {
        return exec(binary("kubectl"), args, Settings.DIAGNOSTIC_COMMAND, Map.of());
    }

    /**
     * {@code kubectl rg ARGS} as a user runs it: kubectl finds the repository's kubectl-plugin/kubectl-rg on PATH,
     * and the plugin's own kubectl calls find the pinned kubectl first. Its failure is returned, not thrown.
     */
    public Result kubectlPlugin(String... args) {
        String kubectl = binary("kubectl");
        Path pinned = Path.of(kubectl).getParent();
        String path = (pinned == null ? "" : pinned + java.io.File.pathSeparator)
                + Settings.repoRoot().resolve("kubectl-plugin")
                + java.io.File.pathSeparator
                + System.getenv("PATH");
        String[] all = new String[args.length + 1];
        all[0] = "rg";
        System.arraycopy(args, 0, all, 1, args.length);
        return exec(kubectl, all, Settings.TOOL_COMMAND, Map.of("PATH", path));
    }

    public record Result(int exitCode, String output) {}

    private String run(String binary, String... args) {
        Result result = exec(binary, args, Settings.TOOL_COMMAND, Map.of());
        if (result.exitCode() != 0) {
            throw new IllegalStateException(
                    binary + " " + String.join(" ", args) + " exited " + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }

    private Result exec(String binary, String[] args, java.time.Duration timeout, Map<String, String> env) {
        List<String> command = new ArrayList<>();
        command.add(binary);
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("KUBECONFIG", kubeconfig.toString());
            builder.environment().putAll(env);
            Process process = builder.start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out after " + timeout.toSeconds() + " s");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, "could not run " + binary + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    static String binary(String name) {
        Path explicit = Settings.property("e2e.tools.dir", "E2E_TOOLS_DIR")
                .map(Path::of)
                .orElse(Settings.LOCAL_CLUSTER_TOOLS);
        Path pinned = explicit.resolve(name);
        return Files.isExecutable(pinned) ? pinned.toString() : name;
    }
}
