package dev.replicagroup.operator.events;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.ha.Leadership;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Records core/v1 Events on a ReplicaGroup. An event that cannot be written is logged, never fatal: events
 * inform the user, the status is what the operator relies on. They are written by one thread of their own, in
 * the order recorded, so that a failover does not wait for an API round trip per event.
 */
@ApplicationScoped
public class EventRecorder {
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    static final String COMPONENT = "replicagroup-operator";

    private final KubernetesClient client;
    private final String instance;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "event-writer");
        t.setDaemon(true);
        return t;
    });

    public EventRecorder(KubernetesClient client, Leadership leadership) {
        this.client = client;
        this.instance = leadership.identity();
    }

    /** Writes what is still queued before the process exits (a deleted pod has a grace period for it). */
    @PreDestroy
    void flush() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void record(ReplicaGroup group, Reason reason, String message) {
        write(
                group,
                reason,
                message,
                group.getMetadata().getName() + "."
                        + UUID.randomUUID().toString().substring(0, 13));
    }

    /**
     * An event that happens once per term of the group (a failover's steps): recorded again, after a pass that
     * failed before its status was written resumes and repeats the step, it is not written twice. Its name is
     * made of the group's uid, the reason and the term, so the API server refuses the repeat as existing.
     */
    public void recordOnce(ReplicaGroup group, Reason reason, long term, String message) {
        recordOnce(group, reason, Long.toString(term), message);
    }

    /**
     * An event that happens once per {@code key} (lower-case letters, digits, '-' and '.'), such as a revision of
     * the pod template, named and refused as a repeat as {@link #recordOnce(ReplicaGroup, Reason, long, String)}.
     */
    public void recordOnce(ReplicaGroup group, Reason reason, String key, String message) {
        String uid =
                group.getMetadata().getUid() == null ? "" : group.getMetadata().getUid();
        write(
                group,
                reason,
                message,
                group.getMetadata().getName() + "." + uid.substring(0, Math.min(8, uid.length())) + "."
                        + reason.name().toLowerCase(Locale.ROOT) + "." + key);
    }

    private void write(ReplicaGroup group, Reason reason, String message, String name) {
        LOG.infof(
                "%s/%s %s: %s",
                group.getMetadata().getNamespace(), group.getMetadata().getName(), reason, message);
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(group.getMetadata().getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(group.getApiVersion())
                .withKind(group.getKind())
                .withName(group.getMetadata().getName())
                .withNamespace(group.getMetadata().getNamespace())
                .withUid(group.getMetadata().getUid())
                .withResourceVersion(group.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withReason(reason.name())
                .withMessage(message)
                .withType(reason.type())
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance(instance)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .build();
        try {
            writer.execute(() -> create(event, reason, group.getMetadata().getName()));
        } catch (RejectedExecutionException stopping) {
            LOG.infof(
                    "not recording event %s on %s: the operator is stopping",
                    reason, group.getMetadata().getName());
        }
    }

    private void create(Event event, Reason reason, String group) {
        try {
            client.v1()
                    .events()
                    .inNamespace(event.getMetadata().getNamespace())
                    .resource(event)
                    .create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                LOG.debugf("event %s on %s was recorded already", reason, group);
                return;
            }
            LOG.warnf("could not record event %s on %s: %s", reason, group, e.getMessage());
        }
    }
}
