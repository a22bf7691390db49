package dev.replicagroup.operator.ha;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Whether this operator process leads: told by the leader elector's callbacks where leader election runs
 * (the profiles quarkus.operator-sdk.activate-leader-election-for-profiles names), always true elsewhere (a
 * single operator in dev and tests).
 */
@Singleton
public class Leadership {
    private static final Logger LOG = Logger.getLogger(Leadership.class);

    private final boolean elected;
    private final String identity;
    private volatile boolean leading;

    public Leadership(
            @ConfigProperty(name = "quarkus.operator-sdk.activate-leader-election-for-profiles", defaultValue = "prod")
                    List<String> electionProfiles) {
        this.elected = ConfigUtils.getProfiles().stream().anyMatch(electionProfiles::contains);
        // The pod name, as the SDK would choose it: the Lease's holder and the events' reporting instance.
        this.identity = Optional.ofNullable(System.getenv("HOSTNAME"))
                .filter(h -> !h.isBlank())
                .orElse(UUID.randomUUID().toString());
    }

    /** This process's name in the Lease and on the events it records. */
    public String identity() {
        return identity;
    }

    /** Whether this process is the one that reconciles (a standby only watches). */
    public boolean leads() {
        return !elected || leading;
    }

    /** The callbacks the SDK's elector calls besides its own (which start and stop event processing). */
    LeaderCallbacks callbacks() {
        return new LeaderCallbacks(
                () -> {
                    leading = true;
                    LOG.info("leading: this operator reconciles now");
                },
                () -> leading = false,
                leader -> {});
    }
}
