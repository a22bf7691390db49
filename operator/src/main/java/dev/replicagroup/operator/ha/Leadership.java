package dev.replicagroup.operator.ha;

import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Whether this operator process leads: told by the {@link LeaseElector} where leader election runs
 * ({@code replicagroup.leader-election.enabled}, on in the prod profile and in the chart), always true elsewhere
 * (a single operator in dev and tests).
 */
@Singleton
public class Leadership {
    private static final Logger LOG = Logger.getLogger(Leadership.class);

    private final boolean elected;
    private final String identity;
    private final List<Runnable> onLeading = new CopyOnWriteArrayList<>();
    private volatile boolean leading;

    public Leadership(
            @ConfigProperty(name = "replicagroup.leader-election.enabled", defaultValue = "false") boolean elected) {
        this.elected = elected;
        // The pod name: the Lease's holder and the events' reporting instance.
        this.identity = Optional.ofNullable(System.getenv("HOSTNAME"))
                .filter(h -> !h.isBlank())
                .orElse(UUID.randomUUID().toString());
    }

    /** Whether a Lease decides who leads (else this process always does). */
    public boolean elected() {
        return elected;
    }

    /** This process's name in the Lease and on the events it records. */
    public String identity() {
        return identity;
    }

    /** Whether this process is the one that reconciles (a standby only watches). */
    public boolean leads() {
        return !elected || leading;
    }

    /**
     * Runs {@code action} each time this process starts leading (after {@link #leads()} turned true), and at once
     * if it already leads: the elector may win before a later startup observer registers.
     */
    public synchronized void onLeading(Runnable action) {
        onLeading.add(action);
        if (elected && leading) {
            action.run();
        }
    }

    /** The elector won the Lease. */
    synchronized void lead() {
        leading = true;
        LOG.info("leading: this operator reconciles now");
        onLeading.forEach(Runnable::run);
    }

    /** The elector lost or gave up the Lease: nothing reconciles here any more. */
    void stop() {
        leading = false;
    }
}
