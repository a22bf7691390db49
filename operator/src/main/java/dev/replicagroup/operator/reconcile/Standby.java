package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.ha.Leadership;
import dev.replicagroup.operator.replicas.ReplicaAdmins;
import dev.replicagroup.operator.replicas.ReplicaWatches;
import dev.replicagroup.operator.resources.Caches;
import dev.replicagroup.operator.resources.OwnedResources;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Keeps a standby operator ready to lead: while another process holds the Lease, it observes every group from
 * the caches as the leader would (read-only: watch streams and Status calls, no writes), so the replicas'
 * Watch streams are open, their statuses fresh and the gRPC channels connected when the Lease comes here. A
 * cold standby spent seconds of a killed leader's half-done failover connecting, and a first Status call on a
 * cold channel could miss its short deadline and count a live replica as gone (OperatorLeaderFailoverIT: 2.7
 * s from winning the Lease to the first action).
 */
@ApplicationScoped
public class Standby {
    private static final Logger LOG = Logger.getLogger(Standby.class);

    private final Leadership leadership;
    private final Caches caches;
    private final OwnedResources owned;
    private final ReplicaAdmins admins;
    private final Observer observer;
    private final ReplicaWatches watches;
    private final Duration interval;
    /** How many groups the last round observed, to log a change once rather than every round. */
    private int observed = -1;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "standby-observer");
        t.setDaemon(true);
        return t;
    });

    public Standby(
            Leadership leadership,
            Caches caches,
            OwnedResources owned,
            ReplicaAdmins admins,
            Observer observer,
            ReplicaWatches watches,
            @ConfigProperty(name = "replicagroup.standby-interval", defaultValue = "1s") Duration interval) {
        this.leadership = leadership;
        this.caches = caches;
        this.owned = owned;
        this.admins = admins;
        this.observer = observer;
        this.watches = watches;
        this.interval = interval;
    }

    @SuppressWarnings("FutureReturnValueIgnored") // observeGroups() catches its own failures
    void start(@Observes StartupEvent started) {
        leadership.onLeading(this::handOver);
        timer.scheduleWithFixedDelay(this::observeGroups, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent stopping) {
        timer.shutdownNow();
    }

    /** One round, which the timer runs every interval: nothing while this process leads. */
    public void observeGroups() {
        if (leadership.leads()) {
            return;
        }
        List<ReplicaGroup> groups = caches.groups();
        for (ReplicaGroup group : groups) {
            try {
                observe(group);
            } catch (RuntimeException e) {
                LOG.debugf(
                        "standby: observing %s failed: %s", group.getMetadata().getName(), e.getMessage());
            }
        }
        if (groups.size() != observed) {
            observed = groups.size();
            LOG.infof("standby: watching the replicas of %d group(s), ready to lead", observed);
        }
    }

    /**
     * On winning the Lease: a reconcile of every group at once. A standby's reconciles return at once, and a
     * group at rest schedules none, so without this a group would wait for its next change or safety-net pass.
     */
    void handOver() {
        caches.groups().forEach(group -> watches.wake(ResourceID.fromResource(group)));
    }

    /** A group whose token Secret the leader has not made yet has no replicas to watch either. */
    private void observe(ReplicaGroup group) {
        owned.token(group).ifPresent(token -> observer.observe(group, admins.forGroup(group, token)));
    }
}
