package dev.replicagroup.operator.ha;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Two operator pods may run; a Lease (in the operator's own namespace) decides which one reconciles. The SDK
 * uses this only in the profiles named by quarkus.operator-sdk.activate-leader-election-for-profiles (prod).
 */
public class LeaderElection {
    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(
            @ConfigProperty(name = "replicagroup.leader-election.lease-name", defaultValue = "replicagroup-operator-lease")
            String leaseName) {
        return new LeaderElectionConfiguration(leaseName);
    }
}
