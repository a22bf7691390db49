package dev.replicagroup.e2e.support;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A container's main process seen from the host, for faults Kubernetes cannot inject: kill -9 of the JVM
 * (the pod stays, the kubelet restarts the container) and SIGSTOP (the process is alive, its TCP port still
 * accepts connections, only the gRPC readiness probe notices). The suite runs on the node itself.
 */
public final class HostProcess {
    private final long pid;
    private final String containerId;

    private HostProcess(long pid, String containerId) {
        this.pid = pid;
        this.containerId = containerId;
    }

    /** The host PID of the pod's container {@code container}. */
    public static HostProcess of(Pod pod, String container) {
        String id = pod.getStatus().getContainerStatuses().stream()
                .filter(s -> container.equals(s.getName()))
                .map(ContainerStatus::getContainerID)
                .filter(c -> c != null && !c.isBlank())
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "container " + container + " of " + pod.getMetadata().getName() + " has no id yet"))
                .replaceFirst("^[a-z]+://", "");
        long pid = fromContainerd(id)
                .or(() -> fromCgroups(id))
                .orElseThrow(() -> new AssertionError("no host process found for container " + id
                        + " (neither `ctr task ls` on " + Settings.containerdSocket()
                        + " nor /proc/*/cgroup knows it): is the suite on the node?"));
        return new HostProcess(pid, id);
    }

    public long pid() {
        return pid;
    }

    public void kill() {
        signal("KILL");
    }

    public void stop() {
        signal("STOP");
    }

    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        signal(pid, signal, "container " + containerId.substring(0, 12));
    }

    /** kill -s SIGNAL pid from the node, or an AssertionError saying what could not be signalled. */
    static void signal(long pid, String signal, String what) {
        String out = run("kill", "-s", signal, Long.toString(pid))
                .orElseThrow(() -> new AssertionError("kill -s " + signal + " " + pid + " (" + what + ") failed"));
        System.out.println("e2e: SIG" + signal + " to pid " + pid + " of " + what + out);
    }

    /** `ctr task ls` prints TASK PID STATUS; the task id is the container id. */
    static Optional<Long> fromContainerd(String id) {
        return run("ctr", "-n", "k8s.io", "-a", Settings.containerdSocket().toString(), "task", "ls")
                .flatMap(out -> out.lines()
                        .map(l -> l.trim().split("\\s+"))
                        .filter(f -> f.length >= 2 && f[0].equals(id))
                        .map(f -> Long.parseLong(f[1]))
                        .findFirst());
    }

    /** The process whose cgroup path names the container and whose parent's does not: the container's init. */
    static Optional<Long> fromCgroups(String id) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<Long> pids = procs.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d+"))
                    .map(Long::parseLong)
                    .filter(p -> cgroupNames(p, id))
                    .sorted()
                    .toList();
            return pids.stream().filter(p -> !cgroupNames(parent(p), id)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean cgroupNames(long pid, String id) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"))
                    .contains(id);
        } catch (IOException e) {
            return false;
        }
    }

    private static long parent(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1)[1]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static Optional<String> run(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor(Settings.HOST_COMMAND.toSeconds(), TimeUnit.SECONDS) && process.exitValue() == 0
                    ? Optional.of(out)
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
