package dev.replicagroup.e2e.support;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The local cluster's kubelet, stopped (SIGSTOP) as a stand-in for a lost node: pod status goes stale (no probes,
 * no status updates, the node Lease not renewed) while the containers run on. cluster/up.sh starts the kubelet
 * with nohup setsid and keeps its pid in run/kubelet.pid; SIGCONT resumes the same process, so nothing has to be
 * started again. It is resumed at the latest after {@link Settings#KUBELET_STOPPED_AT_MOST}, well before the node
 * controller's grace period, even if the test is stuck.
 */
public final class Kubelet implements AutoCloseable {
    private final long pid;
    private final ScheduledExecutorService guard = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kubelet-resume");
        t.setDaemon(true);
        return t;
    });
    private boolean resumed;

    private Kubelet(long pid) {
        this.pid = pid;
    }

    @SuppressWarnings("FutureReturnValueIgnored") // the guard is a last resort; the test's own close() resumes it
    public static Kubelet stop() {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(Settings.LOCAL_KUBELET_PID).trim());
        } catch (IOException | NumberFormatException e) {
            throw new AssertionError(
                    "no kubelet pid in " + Settings.LOCAL_KUBELET_PID
                            + ": this fault needs the local cluster of cluster/up.sh: " + e,
                    e);
        }
        Kubelet kubelet = new Kubelet(pid);
        HostProcess.signal(pid, "STOP", "the kubelet");
        kubelet.guard.schedule(kubelet::close, Settings.KUBELET_STOPPED_AT_MOST.toMillis(), TimeUnit.MILLISECONDS);
        return kubelet;
    }

    /** SIGCONT, once. */
    @Override
    public synchronized void close() {
        if (!resumed) {
            resumed = true;
            HostProcess.signal(pid, "CONT", "the kubelet");
            guard.shutdown();
        }
    }
}
