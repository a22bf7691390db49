package dev.replicagroup.operator.ha;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Two operator pods may run; a Lease (in the operator's own namespace) decides which one reconciles. The SDK
 * uses this only in the profiles named by quarkus.operator-sdk.activate-leader-election-for-profiles (prod).
 *
 * <p>The Lease is short (operator/README.md, "Operator high availability"): a standby takes over a killed
 * leader's half-done failover within lease duration + retry period. On a graceful shutdown (a deleted or
 * rolled pod) the leader gives the Lease up once the SDK has stopped, so the standby takes over at its next
 * retry; the SDK itself does not release it (JOSDK 5.1 builds its elector with releaseOnCancel false).
 */
@Singleton
public class LeaderElection {
    private static final Logger LOG = Logger.getLogger(LeaderElection.class);
    /** The SDK's observer that stops the operator runs at the default priority; this one runs after it. */
    private static final int AFTER_OPERATOR_STOPPED = 4000;

    private final KubernetesClient client;
    private final Leadership leadership;
    private final String leaseName;

    public LeaderElection(
            KubernetesClient client,
            Leadership leadership,
            @ConfigProperty(
                            name = "replicagroup.leader-election.lease-name",
                            defaultValue = "replicagroup-operator-lease")
                    String leaseName) {
        this.client = client;
        this.leadership = leadership;
        this.leaseName = leaseName;
    }

    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(
            @ConfigProperty(name = "replicagroup.leader-election.lease-duration", defaultValue = "3s")
                    Duration leaseDuration,
            @ConfigProperty(name = "replicagroup.leader-election.renew-deadline", defaultValue = "2s")
                    Duration renewDeadline,
            @ConfigProperty(name = "replicagroup.leader-election.retry-period", defaultValue = "500ms")
                    Duration retryPeriod) {
        if (!(retryPeriod.compareTo(renewDeadline) < 0 && renewDeadline.compareTo(leaseDuration) < 0)) {
            throw new IllegalArgumentException("replicagroup.leader-election: retry-period (" + retryPeriod
                    + ") < renew-deadline (" + renewDeadline + ") < lease-duration (" + leaseDuration
                    + ") must hold, or two operators could both think they lead");
        }
        // exitOnStopLeading: a leader that could not renew in time exits, so it never acts beside the new one.
        return new LeaderElectionConfiguration(
                leaseName,
                null,
                leaseDuration,
                renewDeadline,
                retryPeriod,
                leadership.identity(),
                leadership.callbacks(),
                true);
    }

    void release(@Observes @Priority(AFTER_OPERATOR_STOPPED) ShutdownEvent shutdown) {
        try {
            String namespace = client.getNamespace();
            Lease lease = namespace == null
                    ? null
                    : client.leases().inNamespace(namespace).withName(leaseName).get();
            if (lease == null
                    || lease.getSpec() == null
                    || !leadership.identity().equals(lease.getSpec().getHolderIdentity())) {
                return;
            }
            lease.getSpec().setHolderIdentity(null);
            lease.getSpec().setLeaseDurationSeconds(1);
            // An update with the resourceVersion just read: if someone else changed the Lease, leave it alone.
            client.resource(lease).update();
            LOG.infof("released the leader-election Lease %s/%s", namespace, leaseName);
        } catch (RuntimeException e) {
            // Best effort: the process is going away, and an unreleased Lease only costs the standby a lease duration.
            LOG.infof(
                    "could not release the leader-election Lease %s: %s (it expires by itself)",
                    leaseName, e.getMessage());
        }
    }
}
