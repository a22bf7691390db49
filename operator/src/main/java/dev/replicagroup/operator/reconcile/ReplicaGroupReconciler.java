package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.Conditions;
import dev.replicagroup.operator.crd.Member;
import dev.replicagroup.operator.crd.Phase;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupStatus;
import dev.replicagroup.operator.events.EventRecorder;
import dev.replicagroup.operator.events.Reason;
import dev.replicagroup.operator.failover.FailoverRunner;
import dev.replicagroup.operator.ha.Leadership;
import dev.replicagroup.operator.metrics.OperatorMetrics;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import dev.replicagroup.operator.replicas.GroupAdmin;
import dev.replicagroup.operator.replicas.ReplicaAdmins;
import dev.replicagroup.operator.replicas.ReplicaWatches;
import dev.replicagroup.operator.resources.AdminTokenPlan;
import dev.replicagroup.operator.resources.Caches;
import dev.replicagroup.operator.resources.Labels;
import dev.replicagroup.operator.resources.Names;
import dev.replicagroup.operator.resources.OwnedResources;
import dev.replicagroup.operator.resources.PodRoles;
import dev.replicagroup.operator.resources.ReplicaPods;
import dev.replicagroup.operator.resources.Secrets;
import dev.replicagroup.operator.resources.StatusWriter;
import dev.replicagroup.operator.tls.GroupCertificates;
import dev.replicagroup.operator.tls.TlsPlan;
import dev.replicagroup.operator.update.RollingUpdatePlan;
import dev.replicagroup.operator.update.RollingUpdateStatus;
import dev.replicagroup.operator.update.UpdateTarget;
import dev.replicagroup.replica.core.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Observes a group (pods, replicas' Status) and acts: a failover under way goes first, otherwise the one next
 * action. Decisions are in {@link NextAction} and the failover planner; this class only wires them up.
 * A replica pushes what a failover decides on over its Watch stream, which wakes the group at once
 * ({@link ReplicaWatches}); progress without a push (sequence numbers, lag) is read every resync interval.
 */
// Not generation-aware: the promote annotation (a switchover) changes metadata only, which a generation-aware
// controller ignores until its 30 s safety net (SwitchoverIT measured 27-35 s from annotate to start). A pass
// woken by its own status write reads the caches, finds nothing to do and writes nothing.
@ControllerConfiguration(
        name = ReplicaGroupReconciler.NAME,
        generationAwareEventProcessing = false,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 30, timeUnit = TimeUnit.SECONDS))
// Retry without giving up: a conflict on status (another writer) or an unreachable API must not park a group.
@GradualRetry(maxAttempts = Integer.MAX_VALUE, initialInterval = 500, intervalMultiplier = 2, maxInterval = 10_000)
public class ReplicaGroupReconciler implements Reconciler<ReplicaGroup> {
    public static final String NAME = "replicagroup";

    private final StatusWriter statusWriter;
    private final Caches caches;
    private final OwnedResources owned;
    private final Volumes volumes;
    private final GroupCertificates certificates;
    private final ReplicaAdmins admins;
    private final ReplicaWatches watches;
    private final Observer observer;
    private final FailoverRunner failovers;
    private final ActionExecutor executor;
    private final PodRoles roles;
    private final EventRecorder events;
    private final OperatorMetrics metrics;
    private final Leadership leadership;
    private final Duration resync;
    private final Clock clock;
    private final String defaultImage;

    public ReplicaGroupReconciler(
            StatusWriter statusWriter,
            Caches caches,
            OwnedResources owned,
            Volumes volumes,
            GroupCertificates certificates,
            ReplicaAdmins admins,
            ReplicaWatches watches,
            Observer observer,
            FailoverRunner failovers,
            ActionExecutor executor,
            PodRoles roles,
            EventRecorder events,
            OperatorMetrics metrics,
            Leadership leadership,
            Clock clock,
            @ConfigProperty(name = "replicagroup.resync-interval", defaultValue = "1s") Duration resync,
            @ConfigProperty(name = "replicagroup.replica-image") String defaultImage) {
        this.statusWriter = statusWriter;
        this.caches = caches;
        this.owned = owned;
        this.volumes = volumes;
        this.certificates = certificates;
        this.admins = admins;
        this.watches = watches;
        this.observer = observer;
        this.failovers = failovers;
        this.executor = executor;
        this.roles = roles;
        this.events = events;
        this.metrics = metrics;
        this.leadership = leadership;
        this.resync = resync;
        this.clock = clock;
        this.defaultImage = defaultImage;
    }

    @Override
    public List<EventSource<?, ReplicaGroup>> prepareEventSources(EventSourceContext<ReplicaGroup> context) {
        List<EventSource<?, ReplicaGroup>> sources = new ArrayList<>(caches.eventSources(context));
        sources.add(watches.eventSource());
        return sources;
    }

    @Override
    public UpdateControl<ReplicaGroup> reconcile(ReplicaGroup group, Context<ReplicaGroup> context) {
        caches.attach(context);
        if (!leadership.leads()) {
            // A standby: Standby observes read-only, and wakes every group when this process takes the Lease.
            return UpdateControl.noUpdate();
        }
        var sample = metrics.startReconcile();
        try {
            if (group.getStatus() == null) {
                group.setStatus(new ReplicaGroupStatus());
            }
            String before = Serialization.asJson(group.getStatus());
            Optional<String> invalid = SpecCheck.problem(group.getSpec())
                    .or(() -> StoragePlan.problem(group.getSpec(), caches.pods(group), caches.claims(group)))
                    .or(() -> TlsPlan.problem(group.getSpec(), caches.pods(group)));
            boolean atRest = false;
            if (invalid.isPresent()) {
                reportInvalid(group, invalid.get());
            } else {
                atRest = reconcileValid(group);
            }
            if (!before.equals(Serialization.asJson(group.getStatus()))) {
                statusWriter.write(group);
            }
            return invalid.isPresent() || atRest
                    ? UpdateControl.noUpdate()
                    : UpdateControl.<ReplicaGroup>noUpdate().rescheduleAfter(resync);
        } finally {
            metrics.reconciled(group, sample);
        }
    }

    /** @return whether the group is at rest: nothing to do, nothing waited for, every member heard from */
    private boolean reconcileValid(ReplicaGroup group) {
        ReplicaGroupStatus status = group.getStatus();
        AdminTokenPlan tokenPlan = owned.ensure(group, !caches.pods(group).isEmpty());
        if (tokenPlan.usable().isEmpty()) {
            reportTokenLost(group);
            return false;
        }
        String token = tokenPlan.usable().get();
        if (tokenPlan instanceof AdminTokenPlan.Restore) {
            events.record(
                    group,
                    Reason.AdminTokenRestored,
                    "Secret " + Names.tokenSecret(group.getMetadata().getName())
                            + " was deleted; put back with the token the running replicas hold");
        }
        // Before any pod is made: a pod with spec.tls mounts the certificate Secret, which must hold one.
        Optional<String> tlsProblem = certificates.ensure(group);
        volumes.sync(group);
        GroupAdmin admin = admins.forGroup(group, token);
        UpdateTarget update = UpdateTarget.of(group, ReplicaPods.revision(group, defaultImage));
        Optional<String> waiting = Optional.empty();
        boolean acted = false;
        if (status.getFailover() != null) {
            waiting = Optional.ofNullable(failovers.run(group, admin, () -> observer.observe(group, admin)));
            acted = true;
        }
        Observation obs = observer.observe(group, admin);
        if (status.getFailover() != null && group.getSpec().getStorage() != null) {
            Optional<NextAction.Action> restore = NextAction.restoreDuringFailover(
                    obs, Optional.ofNullable(status.getFailover().getFrom()));
            if (restore.isPresent()) {
                executor.execute(group, admin, restore.get());
                obs = observer.observe(group, admin);
            }
        }
        if (status.getFailover() == null) {
            alignRoles(group, obs);
            NextAction.Action action = NextAction.decide(input(group, obs, update));
            waiting = executor.execute(group, admin, action);
            if (action instanceof NextAction.StartFailover
                    || action instanceof NextAction.StartSwitchover
                    || action instanceof NextAction.StartRestart) {
                waiting = Optional.ofNullable(failovers.run(group, admin, () -> observer.observe(group, admin)));
            }
            if (!(action instanceof NextAction.Nothing) && !(action instanceof NextAction.Wait)) {
                obs = observer.observe(group, admin);
                acted = true;
            }
        }
        // A user's TLS Secret is not watched: a group waiting for it is not at rest, so that it is read again.
        waiting = waiting.or(() -> tlsProblem);
        List<String> joined = StatusSummary.apply(group, obs, waiting, Labels.selectorString(group));
        joined.forEach(pod -> events.record(
                group, Reason.HelperJoined, pod + " is Ready and follows primary " + status.getCurrentPrimary()));
        String was = status.getCurrentRevision();
        RollingUpdateStatus.apply(
                        status,
                        obs,
                        group.getSpec().getReplicas(),
                        update.revision(),
                        RollingUpdatePlan.next(
                                NextAction.update(input(group, obs, update), status.getFailover() != null)),
                        Optional.ofNullable(group.getMetadata().getGeneration()).orElse(0L))
                .ifPresent(revision -> events.recordOnce(
                        group,
                        Reason.RollingUpdateCompleted,
                        revision,
                        "every member runs revision " + revision + " (was "
                                + Optional.ofNullable(was).orElse("(none)") + "); primary "
                                + status.getCurrentPrimary() + " in term " + status.getTerm()));
        for (Role role : Role.values()) {
            String name = role.name().toLowerCase(Locale.ROOT);
            metrics.members(
                    group,
                    name,
                    status.getMembers().stream()
                            .filter(m -> name.equals(m.getRole()))
                            .count());
        }
        metrics.retain(caches.groups());
        metrics.health(
                group,
                status.getConditions(),
                status.getFailover() != null && status.getFailover().getBlocked() != null);
        ResourceID id = ResourceID.fromResource(group);
        metrics.memberFigures(
                group,
                obs.pods().stream().map(PodView::name).toList(),
                pod -> watches.seq(id, pod),
                pod -> watches.lag(id, pod));
        Observation seen = obs;
        return !acted
                && waiting.isEmpty()
                && status.getPhase() == Phase.Running
                && status.getFailover() == null
                && input(group, obs, update).switchoverTo().isEmpty()
                && obs.live().stream().allMatch(p -> seen.replica(p.name()).isPresent());
    }

    static NextAction.Input input(ReplicaGroup group, Observation obs, UpdateTarget update) {
        ReplicaGroupStatus status = group.getStatus();
        Map<String, Integer> liveness = status.getMembers().stream()
                .filter(m -> m.getLiveness() != null)
                .collect(Collectors.toMap(Member::getName, Member::getLiveness, (a, b) -> a));
        Optional<String> switchoverTo = Optional.ofNullable(group.getMetadata().getAnnotations())
                .map(a -> a.get(Labels.PROMOTE_ANNOTATION))
                .filter(s -> !s.isBlank());
        return new NextAction.Input(
                obs,
                group.getSpec().getReplicas(),
                group.getSpec().getSyncAcks(),
                group.getSpec().getFailover(),
                Optional.ofNullable(status.getCurrentPrimary()),
                status.getPrimarySince() != null,
                Optional.ofNullable(status.getLastFailover())
                        .map(f -> f.getCompletedAt())
                        .map(Instant::parse),
                switchoverTo,
                liveness,
                status.getTerm(),
                group.getSpec().getStorage() != null,
                update);
    }

    /** Outside a failover the primary label is on the recorded primary only; demote first, then promote. */
    private void alignRoles(ReplicaGroup group, Observation obs) {
        String primary = group.getStatus().getCurrentPrimary();
        String ns = group.getMetadata().getNamespace();
        obs.pods().stream()
                .filter(p -> !p.name().equals(primary) && !Labels.HELPER.equals(p.role()))
                .forEach(p -> roles.set(ns, p.name(), Labels.HELPER));
        if (primary != null) {
            obs.pod(primary)
                    .filter(p -> !p.isPrimaryLabelled())
                    .ifPresent(p -> roles.set(ns, p.name(), Labels.PRIMARY));
        }
    }

    /**
     * The operator cannot call the replicas, so nothing else is done; a new token would lock it and every new pod
     * out of the running replicas, which read theirs at start.
     */
    private void reportTokenLost(ReplicaGroup group) {
        ReplicaGroupStatus status = group.getStatus();
        String ns = group.getMetadata().getNamespace();
        String secret = Names.tokenSecret(group.getMetadata().getName());
        String pod = caches.pods(group).get(0).getMetadata().getName();
        String message = "Secret " + ns + "/" + secret + " was deleted while replicas run, and this operator has not"
                + " seen their token since it started: no Admin call (failover, scaling, updates) can be made. Put the"
                + " token back from a running replica: kubectl -n " + ns + " create secret generic " + secret
                + " --from-literal=" + Secrets.TOKEN_KEY + "=\"$(kubectl -n " + ns + " exec " + pod + " -- cat "
                + ReplicaPods.TOKEN_DIR + "/" + ReplicaPods.TOKEN_FILE + ")\" && kubectl -n " + ns
                + " label secret " + secret + " " + Labels.MANAGED_BY + "=" + Labels.OPERATOR;
        boolean reported = status.getConditions().stream()
                .anyMatch(c -> StatusSummary.DEGRADED.equals(c.getType())
                        && Reason.AdminTokenLost.name().equals(c.getReason()));
        Conditions.set(
                status,
                StatusSummary.DEGRADED,
                true,
                Reason.AdminTokenLost.name(),
                message,
                Optional.ofNullable(group.getMetadata().getGeneration()).orElse(0L),
                clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        if (!reported) {
            events.record(group, Reason.AdminTokenLost, message);
        }
    }

    private void reportInvalid(ReplicaGroup group, String problem) {
        ReplicaGroupStatus status = group.getStatus();
        long generation =
                Optional.ofNullable(group.getMetadata().getGeneration()).orElse(0L);
        boolean reported =
                status.getPhase() == Phase.Invalid && Objects.equals(status.getObservedGeneration(), generation);
        status.setPhase(Phase.Invalid);
        status.setObservedGeneration(generation);
        Conditions.set(
                status,
                StatusSummary.DEGRADED,
                true,
                "InvalidSpec",
                problem,
                generation,
                clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        if (!reported) {
            events.record(group, Reason.InvalidSpec, problem);
        }
    }
}
