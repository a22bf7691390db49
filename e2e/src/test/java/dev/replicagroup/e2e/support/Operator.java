package dev.replicagroup.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.awaitility.Awaitility;

/**
 * The operator as a user installs it: `helm install` of helm/replicagroup-operator into the test's namespace,
 * watching only that namespace (so a leftover of another test cannot interfere), with the locally built image.
 */
public final class Operator {
    /** The Lease the operator pods compete for (operator/.../ha/LeaderElection.java). */
    public static final String LEASE = "replicagroup-operator-lease";

    private final TestNamespace ns;
    private final String release;
    private boolean uninstalled;

    private Operator(TestNamespace ns, String release) {
        this.ns = ns;
        this.release = release;
    }

    public static Path chart() {
        return Settings.repoRoot().resolve("helm/replicagroup-operator");
    }

    /** helm install --wait; helm uninstall is registered to run after the test, before the namespace goes. */
    public static Operator install(TestNamespace ns) {
        // Unique per test: the chart's cluster-scoped objects (ClusterRole, binding) carry the release name.
        Operator operator =
                new Operator(ns, "rgop-" + UUID.randomUUID().toString().substring(0, 5));
        ns.onCleanup(operator::uninstall);
        applyCrd(ns.cluster());
        ns.cluster().tools().helm(operator.installArgs().toArray(String[]::new));
        return operator;
    }

    /**
     * This checkout's CRD, applied. Helm installs a chart's CRDs only when they are missing and never upgrades
     * them: on a cluster that ran an older suite, the CRD would lack this checkout's fields and rules (what
     * `helm upgrade` users do by hand).
     */
    public static void applyCrd(Cluster cluster) {
        cluster.tools()
                .kubectl(
                        "apply",
                        "--server-side",
                        "--force-conflicts",
                        "-f",
                        chart().resolve("crds").toString());
    }

    List<String> installArgs() {
        return List.of(
                "install",
                release,
                chart().toString(),
                "--namespace",
                ns.name(),
                "--wait",
                "--timeout",
                Settings.HELM_WAIT.toSeconds() + "s",
                "--set",
                "image.repository=replicagroup/operator",
                "--set",
                "image.tag=" + Settings.imageVersion(),
                "--set",
                "image.pullPolicy=IfNotPresent",
                "--set",
                "replicaImage=replicagroup/replica:" + Settings.imageVersion(),
                "--set",
                "watchNamespaces={" + ns.name() + "}",
                "--set",
                "logLevel=" + Settings.OPERATOR_LOG_LEVEL);
    }

    /** helm uninstall --wait (once: the clean-up after the test skips a release the test already removed). */
    public void uninstall() {
        if (!uninstalled) {
            ns.cluster().tools().helm("uninstall", release, "--namespace", ns.name(), "--wait", "--timeout", "3m");
            uninstalled = true;
        }
    }

    public String release() {
        return release;
    }

    public Deployment deployment() {
        List<Deployment> deployments = ns.cluster()
                .client()
                .apps()
                .deployments()
                .inNamespace(ns.name())
                .withLabel("app.kubernetes.io/instance", release)
                .list()
                .getItems();
        if (deployments.size() != 1) {
            throw new AssertionError("expected one operator Deployment of release " + release + ", found "
                    + deployments.stream().map(d -> d.getMetadata().getName()).toList());
        }
        return deployments.get(0);
    }

    public List<Pod> pods() {
        return ns.cluster()
                .client()
                .pods()
                .inNamespace(ns.name())
                .withLabels(deployment().getSpec().getSelector().getMatchLabels())
                .list()
                .getItems();
    }

    /**
     * Deletes the operator pods whose container the kubelet holds in CrashLoopBackOff, so the Deployment starts
     * fresh ones: a container killed many times within ten minutes is restarted only after up to five minutes,
     * the kubelet's policy, which a test that kills the leader again and again must not wait out.
     *
     * @return the pods deleted
     */
    public List<String> replaceBackedOff() {
        List<String> deleted = new ArrayList<>();
        for (Pod pod : pods()) {
            boolean backedOff = pod.getStatus() != null
                    && pod.getStatus().getContainerStatuses() != null
                    && pod.getStatus().getContainerStatuses().stream()
                            .anyMatch(c -> c.getState() != null
                                    && c.getState().getWaiting() != null
                                    && "CrashLoopBackOff"
                                            .equals(c.getState().getWaiting().getReason()));
            if (backedOff) {
                ns.cluster().client().pods().resource(pod).delete();
                deleted.add(pod.getMetadata().getName());
            }
        }
        return deleted;
    }

    public Pod pod(String name) {
        return pods().stream()
                .filter(p -> name.equals(p.getMetadata().getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no operator pod " + name + " in " + ns.name()));
    }

    public Optional<Lease> lease() {
        return Optional.ofNullable(ns.cluster()
                .client()
                .leases()
                .inNamespace(ns.name())
                .withName(LEASE)
                .get());
    }

    /** The pod holding the Lease (JOSDK uses the pod's hostname, i.e. its name, as identity). */
    public Optional<String> leader() {
        return lease().map(l -> l.getSpec().getHolderIdentity()).filter(h -> h != null && !h.isBlank());
    }

    /**
     * Every operator pod Ready, a leader and its standby (those in the kubelet's back-off replaced first): a leader
     * killed now is taken over by a running standby, not by a container the kubelet restarts after its back-off.
     */
    public void awaitStandby() {
        replaceBackedOff();
        int wanted = deployment().getSpec().getReplicas();
        Awaitility.await("all " + wanted + " operator pods Ready")
                .atMost(Settings.EVENT_WAIT)
                .pollInterval(Settings.POLL)
                .until(() -> {
                    List<Pod> pods = pods().stream()
                            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                            .toList();
                    return pods.size() == wanted && pods.stream().allMatch(Readiness::isPodReady);
                });
        awaitLeader();
    }

    public String awaitLeader() {
        return Awaitility.await("a leader holds Lease " + LEASE)
                .atMost(Settings.EVENT_WAIT)
                .pollInterval(Settings.POLL)
                .until(this::leader, Optional::isPresent)
                .orElseThrow();
    }
}
