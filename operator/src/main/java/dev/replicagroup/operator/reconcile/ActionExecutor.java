package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.events.EventRecorder;
import dev.replicagroup.operator.events.Reason;
import dev.replicagroup.operator.failover.FailoverRunner;
import dev.replicagroup.operator.resources.Caches;
import dev.replicagroup.operator.resources.Labels;
import dev.replicagroup.operator.resources.Names;
import dev.replicagroup.operator.resources.ReplicaPods;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Carries out one {@link NextAction.Action}; returns why the group waits, if it does. A pod it creates goes
 * into the pod cache at once, so the next pass, reading the cache, does not create it again.
 */
@ApplicationScoped
public class ActionExecutor {
    private final KubernetesClient client;
    private final EventRecorder events;
    private final FailoverRunner failovers;
    private final StatusWriter statusWriter;
    private final Caches caches;
    private final String defaultImage;

    public ActionExecutor(
            KubernetesClient client,
            EventRecorder events,
            FailoverRunner failovers,
            StatusWriter statusWriter,
            Caches caches,
            @ConfigProperty(name = "replicagroup.replica-image") String defaultImage) {
        this.client = client;
        this.caches = caches;
        this.events = events;
        this.failovers = failovers;
        this.statusWriter = statusWriter;
        this.defaultImage = defaultImage;
    }

    public Optional<String> execute(ReplicaGroup group, NextAction.Action action) {
        String ns = group.getMetadata().getNamespace();
        String name = group.getMetadata().getName();
        if (action instanceof NextAction.CreatePrimary c) {
            caches.created(client.resource(
                            ReplicaPods.build(group, c.ordinal(), Labels.PRIMARY, Optional.empty(), defaultImage))
                    .create());
            group.getStatus().setCurrentPrimary(Names.pod(name, c.ordinal()));
            group.getStatus().setPrimarySince(null);
            statusWriter.write(group);
        } else if (action instanceof NextAction.CreateHelper h) {
            caches.created(client.resource(
                            ReplicaPods.build(group, h.ordinal(), Labels.HELPER, Optional.of(h.tbc()), defaultImage))
                    .create());
            events.record(
                    group,
                    Reason.ScaledUp,
                    "started helper " + Names.pod(name, h.ordinal()) + " (--tbc " + h.tbc() + ") towards "
                            + group.getSpec().getReplicas() + " replicas");
        } else if (action instanceof NextAction.RemovePod r) {
            client.pods().inNamespace(ns).withName(r.pod()).delete();
            events.record(
                    group,
                    r.scaleDown() ? Reason.ScaledDown : Reason.PodReplaced,
                    "removed " + r.pod() + ": " + r.why());
        } else if (action instanceof NextAction.StartFailover f) {
            failovers.start(group, f.reason(), false, null, f.fromAddress());
        } else if (action instanceof NextAction.StartSwitchover s) {
            failovers.start(
                    group,
                    "switchover requested by annotation " + Labels.PROMOTE_ANNOTATION,
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
}
