package dev.replicagroup.operator.ha;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Two operator pods may run; a Lease (in the operator's own namespace) decides which one reconciles
 * ({@link LeaseElector}, operator/README.md "Operator high availability"). JOSDK's own election is not used:
 * its fabric8 elector reads the Lease before every write, and the standby reads it every retry period, three
 * requests each period at rest; this one watches the Lease and writes once a renew period. JOSDK therefore
 * processes events on a standby too, and the reconciler does nothing there ({@link Leadership#leads()}).
 *
 * <p>A leader that loses the Lease exits, so it never acts beside the new one. On a graceful shutdown (a
 * deleted or rolled pod) it gives the Lease up once the SDK has stopped, so the standby takes over at its next
 * check.
 */
@Singleton
public class LeaderElection {
    /** The SDK's observer that stops the operator runs at the default priority; this one runs after it. */
    private static final int AFTER_OPERATOR_STOPPED = 4000;

    private final KubernetesClient client;
    private final Leadership leadership;
    private final String leaseName;
    private final LeaseRules.Timing timing;
    private LeaseElector elector;

    public LeaderElection(
            KubernetesClient client,
            Leadership leadership,
            @ConfigProperty(
                            name = "replicagroup.leader-election.lease-name",
                            defaultValue = "replicagroup-operator-lease")
                    String leaseName,
            @ConfigProperty(name = "replicagroup.leader-election.lease-duration", defaultValue = "3s")
                    Duration leaseDuration,
            @ConfigProperty(name = "replicagroup.leader-election.renew-deadline", defaultValue = "2500ms")
                    Duration renewDeadline,
            @ConfigProperty(name = "replicagroup.leader-election.renew-period", defaultValue = "1s")
                    Duration renewPeriod,
            @ConfigProperty(name = "replicagroup.leader-election.retry-period", defaultValue = "250ms")
                    Duration retryPeriod) {
        this.client = client;
        this.leadership = leadership;
        this.leaseName = leaseName;
        this.timing = new LeaseRules.Timing(leaseDuration, renewDeadline, renewPeriod, retryPeriod);
    }

    void start(@Observes StartupEvent started) {
        if (!leadership.elected()) {
            return;
        }
        String namespace = client.getNamespace();
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalStateException("leader election needs the operator's namespace for its Lease, and the"
                    + " Kubernetes client knows none: run the operator in a pod, set KUBERNETES_NAMESPACE, or turn"
                    + " election off (replicagroup.leader-election.enabled=false, one operator only)");
        }
        // The shared client: a client of its own was tried (client-go's advice, so that renewals do not queue
        // behind the reconciler's requests) and cost 5-7 MB of RSS without one restart fewer in the creation
        // storm of make bench-operator, where the renewal that missed its deadline was the one in flight.
        elector = new LeaseElector(
                client, namespace, leaseName, leadership.identity(), timing, System::nanoTime, leadership::lead, () -> {
                    leadership.stop();
                    Quarkus.asyncExit(1);
                });
        elector.start();
    }

    void release(@Observes @Priority(AFTER_OPERATOR_STOPPED) ShutdownEvent shutdown) {
        if (elector != null) {
            leadership.stop();
            elector.release();
            elector.close();
        }
    }
}
