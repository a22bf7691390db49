package dev.replicagroup.operator.ha;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Competes for the operator's Lease by {@link LeaseRules}: watches the one Lease, looks at its copy every
 * {@link #CHECK_EVERY} (no request: a standby notices an expired or released Lease within that), and writes only
 * to take or renew it. A write runs beside the checks, so a leader whose write hangs still steps down at its
 * renew deadline; stepping down ends the process ({@code onStepDown}), so it never acts beside the new leader.
 *
 * <p>The copy is the newest version this process knows: each watched change, and each of its own writes' answers.
 * A conditional write on top of version V succeeds only if nothing came between, so no older version can reach
 * the watch after the answer; a relist that answers from before the write would show the old holder and make the
 * leader step down early, which costs a takeover, not safety.
 */
public final class LeaseElector implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LeaseElector.class);
    /** How often the copy is looked at: a standby's delay, on top of the lease, in taking a dead leader's place. */
    static final Duration CHECK_EVERY = Duration.ofMillis(100);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String identity;
    private final LeaseRules.Timing timing;
    private final LongSupplier nanoClock;
    private final Runnable onLeading;
    private final Runnable onStepDown;
    private final ScheduledExecutorService checks =
            Executors.newSingleThreadScheduledExecutor(r -> thread(r, "lease-check"));
    private final ExecutorService writes = Executors.newSingleThreadExecutor(r -> thread(r, "lease-write"));

    // Guarded by this.
    private Lease lease;
    /** When this process first saw {@link #lease}'s version. */
    private long seenAt;

    private boolean leading;
    private boolean writing;
    private boolean steppedDown;
    private long renewedAt;
    private long lastAttempt = Long.MIN_VALUE;

    private SharedIndexInformer<Lease> informer;

    public LeaseElector(
            KubernetesClient client,
            String namespace,
            String name,
            String identity,
            LeaseRules.Timing timing,
            LongSupplier nanoClock,
            Runnable onLeading,
            Runnable onStepDown) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.identity = identity;
        this.timing = timing;
        this.nanoClock = nanoClock;
        this.onLeading = onLeading;
        this.onStepDown = onStepDown;
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @SuppressWarnings("FutureReturnValueIgnored") // check() catches its failures; close() ends the schedule
    public void start() {
        informer = client.leases().inNamespace(namespace).withName(name).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Lease added) {
                saw(added);
            }

            @Override
            public void onUpdate(Lease before, Lease after) {
                saw(after);
            }

            @Override
            public void onDelete(Lease deleted, boolean unknownFinalState) {
                synchronized (LeaseElector.this) {
                    lease = null;
                }
            }
        });
        checks.scheduleWithFixedDelay(this::check, 0, CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        LOG.infof(
                "competing for the Lease %s/%s as %s (lease %s, renew every %s, deadline %s)",
                namespace, name, identity, timing.leaseDuration(), timing.renewPeriod(), timing.renewDeadline());
    }

    /** The Lease as the rules see it; null when there is none. */
    private LeaseRules.Seen seen() {
        return lease == null ? null : new LeaseRules.Seen(holder(lease), durationMillis(lease), seenAt);
    }

    /** A version of the Lease from the watch or a write's answer; the same version seen again changes nothing. */
    private synchronized void saw(Lease version) {
        if (lease != null && Objects.equals(resourceVersion(lease), resourceVersion(version))) {
            return;
        }
        lease = version;
        seenAt = nanoClock.getAsLong();
    }

    void check() {
        try {
            LeaseRules.Step step;
            Lease base;
            String why = "";
            synchronized (this) {
                if (steppedDown) {
                    return;
                }
                long now = nanoClock.getAsLong();
                step = LeaseRules.next(
                        seen(), new LeaseRules.Self(identity, leading, renewedAt, lastAttempt, writing), timing, now);
                base = lease;
                if (step == LeaseRules.Step.WRITE) {
                    writing = true;
                    lastAttempt = now;
                } else if (step == LeaseRules.Step.STEP_DOWN) {
                    leading = false;
                    steppedDown = true;
                    String holder = lease == null ? "" : holder(lease);
                    why = !holder.isEmpty() && !holder.equals(identity)
                            ? "it now names " + holder
                            : "no renewal succeeded within "
                                    + timing.renewDeadline().toMillis() + " ms"
                                    + (writing ? ", one still in flight" : "");
                }
            }
            switch (step) {
                case WRITE -> writes.execute(() -> write(base));
                case STEP_DOWN -> stepDown(why);
                case WAIT -> {}
            }
        } catch (RuntimeException e) {
            LOG.warnf("leader election check failed: %s", e.toString());
        }
    }

    /** Takes or renews the Lease on top of {@code base} (the version decided on), or creates it. */
    private void write(Lease base) {
        long started = nanoClock.getAsLong();
        boolean won = false;
        try {
            Lease written = base == null
                    ? client.leases()
                            .inNamespace(namespace)
                            .resource(held(null))
                            .create()
                    : client.resource(held(base)).update();
            synchronized (this) {
                saw(written);
                if (!steppedDown) {
                    won = !leading;
                    leading = true;
                    renewedAt = started;
                }
            }
        } catch (RuntimeException e) {
            // A refused write (someone wrote first, a 409) or an API hiccup: the watch brings the newer version.
            LOG.debugf("Lease %s/%s not written: %s", namespace, name, e.getMessage());
        } finally {
            synchronized (this) {
                writing = false;
            }
        }
        if (won) {
            LOG.infof("leading: %s holds the Lease %s/%s", identity, namespace, name);
            onLeading.run();
        }
    }

    /** The Lease with this process as holder, renewed now; a takeover counts a transition. */
    private Lease held(Lease base) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        boolean takeover = base == null || !identity.equals(holder(base));
        LeaseBuilder next = base == null
                ? new LeaseBuilder()
                        .withNewMetadata()
                        .withNamespace(namespace)
                        .withName(name)
                        .endMetadata()
                : new LeaseBuilder(base);
        int transitions =
                base == null || base.getSpec() == null || base.getSpec().getLeaseTransitions() == null
                        ? 0
                        : base.getSpec().getLeaseTransitions();
        return next.editOrNewSpec()
                .withHolderIdentity(identity)
                .withLeaseDurationSeconds(leaseSeconds())
                .withRenewTime(now)
                .withAcquireTime(takeover ? now : base.getSpec().getAcquireTime())
                .withLeaseTransitions(takeover && base != null ? transitions + 1 : transitions)
                .endSpec()
                .build();
    }

    /** The duration written, rounded up: a standby must never count a shorter lease than this process does. */
    private int leaseSeconds() {
        return (int) Math.max(1, (timing.leaseDuration().toMillis() + 999) / 1000);
    }

    private void stepDown(String why) {
        LOG.errorf("lost the Lease %s/%s (%s): stopping", namespace, name, why);
        onStepDown.run();
    }

    /**
     * Gives the Lease up if this process holds it, so that a standby takes over at its next check rather than
     * after the lease duration; best effort (an unreleased Lease only costs the standby a lease duration).
     */
    public void release() {
        Lease base;
        synchronized (this) {
            checks.shutdownNow();
            if (!leading || lease == null) {
                return;
            }
            leading = false;
            steppedDown = true;
            base = lease;
        }
        try {
            // An update of the version last seen: if someone else changed the Lease since, leave it alone.
            client.resource(new LeaseBuilder(base)
                            .editSpec()
                            .withHolderIdentity(null)
                            .withLeaseDurationSeconds(1)
                            .endSpec()
                            .build())
                    .update();
            LOG.infof("released the leader-election Lease %s/%s", namespace, name);
        } catch (RuntimeException e) {
            LOG.infof("could not release the Lease %s/%s: %s (it expires by itself)", namespace, name, e.getMessage());
        }
    }

    /** Whether this process leads now. */
    public synchronized boolean leading() {
        return leading;
    }

    @Override
    public void close() {
        checks.shutdownNow();
        writes.shutdownNow();
        if (informer != null) {
            informer.close();
        }
    }

    private static String holder(Lease lease) {
        return Optional.ofNullable(lease.getSpec())
                .map(s -> s.getHolderIdentity())
                .orElse("");
    }

    private static long durationMillis(Lease lease) {
        return Optional.ofNullable(lease.getSpec())
                .map(s -> s.getLeaseDurationSeconds())
                .map(s -> TimeUnit.SECONDS.toMillis(s))
                .orElse(0L);
    }

    private static String resourceVersion(Lease lease) {
        return lease.getMetadata() == null ? null : lease.getMetadata().getResourceVersion();
    }
}
