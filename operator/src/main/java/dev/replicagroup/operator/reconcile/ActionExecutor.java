package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.Conditions;
import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.crd.ReplicaGroupStatus;
import dev.replicagroup.operator.events.EventRecorder;
import dev.replicagroup.operator.events.Reason;
import dev.replicagroup.operator.failover.FailoverRunner;
import dev.replicagroup.operator.replicas.GroupAdmin;
import dev.replicagroup.operator.replicas.ReplicaWatches;
import dev.replicagroup.operator.resources.Caches;
import dev.replicagroup.operator.resources.Labels;
import dev.replicagroup.operator.resources.Names;
import dev.replicagroup.operator.resources.ReplicaClaims;
import dev.replicagroup.operator.resources.ReplicaPods;
import dev.replicagroup.operator.resources.StatusWriter;
import dev.replicagroup.operator.tls.GroupCertificates;
import dev.replicagroup.replica.status.ReplicaException;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Carries out one {@link NextAction.Action}; returns why the group waits, if it does. A pod it creates goes
 * into the pod cache at once, so the next pass, reading the cache, does not create it again.
 */
@ApplicationScoped
public class ActionExecutor {
    private static final Logger LOG = Logger.getLogger(ActionExecutor.class);
    private final KubernetesClient client;
    private final EventRecorder events;
    private final FailoverRunner failovers;
    private final StatusWriter statusWriter;
    private final Caches caches;
    private final ReplicaWatches watches;
    private final GroupCertificates certificates;
    private final Clock clock;
    private final String defaultImage;

    public ActionExecutor(
            KubernetesClient client,
            EventRecorder events,
            FailoverRunner failovers,
            StatusWriter statusWriter,
            Caches caches,
            ReplicaWatches watches,
            GroupCertificates certificates,
            Clock clock,
            @ConfigProperty(name = "replicagroup.replica-image") String defaultImage) {
        this.client = client;
        this.watches = watches;
        this.certificates = certificates;
        this.clock = clock;
        this.caches = caches;
        this.events = events;
        this.failovers = failovers;
        this.statusWriter = statusWriter;
        this.defaultImage = defaultImage;
    }

    public Optional<String> execute(ReplicaGroup group, GroupAdmin admin, NextAction.Action action) {
        String name = group.getMetadata().getName();
        if (action instanceof NextAction.CreatePrimary c) {
            Optional<String> waiting = create(group, c.ordinal(), new ReplicaPods.Start.Bootstrap());
            if (waiting.isPresent()) {
                return waiting;
            }
            if (group.getStatus().getTerm() > 0) {
                dataLost(group, Names.pod(name, c.ordinal()));
            }
            recordFirstPrimary(group, Names.pod(name, c.ordinal()));
        } else if (action instanceof NextAction.AdoptFirstPrimary a) {
            LOG.infof("%s: its first primary %s exists but status did not name it; naming it", name, a.pod());
            recordFirstPrimary(group, a.pod());
        } else if (action instanceof NextAction.CreateHelper h) {
            Optional<String> waiting = create(group, h.ordinal(), new ReplicaPods.Start.Join(h.tbc()));
            if (waiting.isPresent()) {
                return waiting;
            }
            events.record(
                    group,
                    Reason.ScaledUp,
                    "started helper " + Names.pod(name, h.ordinal()) + " (--tbc " + h.tbc() + ") towards "
                            + group.getSpec().getReplicas() + " replicas");
        } else if (action instanceof NextAction.CreateMember m) {
            Optional<String> waiting = create(group, m.ordinal(), new ReplicaPods.Start.Await());
            if (waiting.isPresent()) {
                return waiting;
            }
            String pod = Names.pod(name, m.ordinal());
            events.record(
                    group,
                    Reason.MemberRestored,
                    "started " + pod + " on its volume " + Names.claim(pod)
                            + " with --no-bootstrap: no primary serves, so it waits fenced to be promoted or to follow");
        } else if (action instanceof NextAction.Follow f) {
            try {
                admin.follow(f.address(), f.primaryAddress(), f.term());
            } catch (ReplicaException e) {
                return Optional.of("telling " + f.pod() + " to follow the primary: " + e.getMessage());
            }
        } else if (action instanceof NextAction.StartRestart r) {
            failovers.startRestart(group, r.reason());
        } else if (action instanceof NextAction.RemovePod r) {
            if (remove(group, r.pod(), r.scaleDown())) {
                events.record(
                        group,
                        r.scaleDown() ? Reason.ScaledDown : Reason.PodReplaced,
                        "removed " + r.pod() + ": " + r.why());
            }
        } else if (action instanceof NextAction.ReplaceStale r) {
            rollingUpdateStarted(group, r.revision());
            // The only replica keeps its volume: it holds the group's data. A helper's goes as on scale-down.
            if (remove(group, r.pod(), !r.pod().equals(group.getStatus().getCurrentPrimary()))) {
                events.record(group, Reason.PodReplaced, "removed " + r.pod() + ": " + r.why());
            }
        } else if (action instanceof NextAction.StartFailover f) {
            failovers.start(group, f.reason(), false, null, f.fromAddress());
        } else if (action instanceof NextAction.StartSwitchover s) {
            s.forRevision().ifPresent(revision -> rollingUpdateStarted(group, revision));
            failovers.start(
                    group,
                    s.forRevision()
                            .map(revision -> "rolling update to revision " + revision
                                    + ": every helper runs it, so the primary moves to one and is replaced last")
                            .orElse("switchover requested by annotation " + Labels.PROMOTE_ANNOTATION),
                    true,
                    s.target(),
                    s.fromAddress());
        } else if (action instanceof NextAction.DropSwitchover d) {
            if (d.warning()) {
                events.record(group, Reason.SwitchoverRejected, d.why());
            }
            statusWriter.removeAnnotation(group, Labels.PROMOTE_ANNOTATION);
        } else if (action instanceof NextAction.Wait w) {
            return Optional.of(w.why());
        }
        return Optional.empty();
    }

    /** Names the group's first primary in status. */
    private void recordFirstPrimary(ReplicaGroup group, String pod) {
        ReplicaGroupStatus status = group.getStatus();
        status.setCurrentPrimary(pod);
        status.setPrimarySince(null);
        // A group's first pod sets the revision its members start on: no update to run, none to report.
        status.setCurrentRevision(ReplicaPods.revision(group, defaultImage));
        statusWriter.write(group);
    }

    /**
     * Deletes a member's pod; with {@code dropData}, in a group with storage, its claim too (as CloudNativePG
     * does on scale-down): a later member of the same ordinal starts empty and catches up from the primary,
     * rather than from a stale volume.
     */
    /**
     * Deletes the pod (and its claim with {@code dropData}); false when it was gone already: a pass that ran before
     * the cache saw the deletion asks again, and must not report the removal twice.
     */
    private boolean remove(ReplicaGroup group, String pod, boolean dropData) {
        String ns = group.getMetadata().getNamespace();
        boolean deleted = !client.pods().inNamespace(ns).withName(pod).delete().isEmpty();
        if (dropData && group.getSpec().getStorage() != null) {
            client.persistentVolumeClaims()
                    .inNamespace(ns)
                    .withName(Names.claim(pod))
                    .delete();
        }
        return deleted;
    }

    /**
     * At the update's first step: the pass that first sees the revision (status still holds the one before), or
     * the first after a pause, when no pod runs it yet. Named once per revision, so an operator that restarts
     * in between does not record it twice.
     */
    private void rollingUpdateStarted(ReplicaGroup group, String revision) {
        ReplicaGroupStatus status = group.getStatus();
        if (revision.equals(status.getUpdateRevision()) && status.getUpdatedReplicas() > 0) {
            return;
        }
        events.recordOnce(
                group,
                Reason.RollingUpdateStarted,
                revision,
                "pods move from revision "
                        + Optional.ofNullable(status.getCurrentRevision()).orElse("(none)") + " to " + revision
                        + ", one helper at a time, the primary last by one switchover");
    }

    /**
     * Creates the member's pod, and first its claim when the group has storage and the claim is missing; a
     * claim still being deleted (its member was removed) must go first, or the new pod would wait for it forever.
     * With spec.tls, its TLS Secret must hold every key the pod reads.
     *
     * @return why the pod is not created yet, if it is not
     */
    private Optional<String> create(ReplicaGroup group, int ordinal, ReplicaPods.Start start) {
        String pod = Names.pod(group.getMetadata().getName(), ordinal);
        // A pod whose TLS files are missing would wait on its volume, or its replica fail at once: not made.
        Optional<String> tls = certificates.problem(group);
        if (tls.isPresent()) {
            return Optional.of("not starting " + pod + ": " + tls.get());
        }
        if (group.getSpec().getStorage() != null) {
            Optional<PersistentVolumeClaim> claim = caches.claims(group).stream()
                    .filter(c -> c.getMetadata().getName().equals(Names.claim(pod)))
                    .findFirst();
            if (claim.isPresent() && claim.get().getMetadata().getDeletionTimestamp() != null) {
                return Optional.of("waiting for PVC " + Names.claim(pod) + " to be deleted before " + pod
                        + " starts again on a new one");
            }
            if (claim.isEmpty()) {
                caches.created(client.resource(ReplicaClaims.build(group, pod)).create());
            }
        }
        caches.created(client.resource(ReplicaPods.build(group, ordinal, start, defaultImage))
                .create());
        return Optional.empty();
    }

    /**
     * Every member of a group that had a term is gone and the group starts again empty: say so loudly (a Warning
     * event and the DataLost condition, which the phase shows as Reinitialized until the new primary serves).
     */
    private void dataLost(ReplicaGroup group, String pod) {
        ReplicaGroupStatus status = group.getStatus();
        String lost = watches.takeCommitted(ResourceID.fromResource(group))
                .map(c -> "every write up to (term " + c.term() + ", seq " + c.seq() + ")")
                .orElse("every write of terms up to " + status.getTerm()
                        + " (the last committed seq was not seen by this operator)");
        String message = "every member of the group was gone and its data with it ("
                + (group.getSpec().getStorage() == null
                        ? "spec.storage is not set: replicas are in memory only"
                        : "no member's volume claim is left")
                + "); re-initialized empty with primary " + pod + ": lost " + lost;
        events.record(group, Reason.DataLost, message);
        Conditions.set(
                status,
                StatusSummary.DATA_LOST,
                true,
                "Reinitialized",
                message,
                Optional.ofNullable(group.getMetadata().getGeneration()).orElse(0L),
                clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
    }
}
