package dev.replicagroup.operator.events;

import dev.replicagroup.operator.crd.ReplicaGroup;
import dev.replicagroup.operator.ha.Leadership;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Records events.k8s.io/v1 Events on a ReplicaGroup, repeats counted in a series ({@link EventWriter}). An event
 * that cannot be written is logged, never fatal: events inform the user, the status is what the operator relies
 * on. They are written by one thread of their own, in the order recorded, so that a failover does not wait for an
 * API round trip per event.
 */
@ApplicationScoped
public class EventRecorder {
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    static final String CONTROLLER = "replicagroup.dev/operator";
    /** The events.k8s.io API refuses a longer note. */
    private static final int NOTE_LIMIT = 1024;

    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX").withZone(ZoneOffset.UTC);

    private final EventWriter writer;
    private final Clock clock;
    private final String instance;
    private final ExecutorService queue = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "event-writer");
        t.setDaemon(true);
        return t;
    });

    /** The reporting instance is the operator's pod (POD_NAME from the downward API), else the Lease identity. */
    @Inject
    public EventRecorder(KubernetesClient client, Leadership leadership, Clock clock) {
        this(
                client,
                clock,
                Optional.ofNullable(System.getenv("POD_NAME"))
                        .filter(n -> !n.isBlank())
                        .orElse(leadership.identity()));
    }

    EventRecorder(KubernetesClient client, Clock clock, String instance) {
        this.writer = new EventWriter(client);
        this.clock = clock;
        this.instance = instance;
    }

    /** Writes what is still queued before the process exits (a deleted pod has a grace period for it). */
    @PreDestroy
    void flush() {
        queue.shutdown();
        try {
            queue.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An event that may repeat: a repeat within the series window counts in the first one's series. */
    public void record(ReplicaGroup group, Reason reason, String note) {
        Instant now = clock.instant();
        Event event = event(group, reason, note, null, now);
        enqueue(event, () -> writer.write(event, now));
    }

    /**
     * An event that happens once per term of the group (a failover's steps): recorded again, after a pass that
     * failed before its status was written resumes and repeats the step, it is not written twice. Its name is
     * made of the group's uid, the reason and the term, so the API server refuses the repeat as existing.
     */
    public void recordOnce(ReplicaGroup group, Reason reason, long term, String note) {
        recordOnce(group, reason, Long.toString(term), note);
    }

    /**
     * An event that happens once per {@code key} (lower-case letters, digits, '-' and '.'), such as a revision of
     * the pod template, named and refused as a repeat as {@link #recordOnce(ReplicaGroup, Reason, long, String)}.
     */
    public void recordOnce(ReplicaGroup group, Reason reason, String key, String note) {
        String uid =
                group.getMetadata().getUid() == null ? "" : group.getMetadata().getUid();
        String name = group.getMetadata().getName() + "." + uid.substring(0, Math.min(8, uid.length())) + "."
                + reason.name().toLowerCase(Locale.ROOT) + "." + key;
        Event event = event(group, reason, note, name, clock.instant());
        enqueue(event, () -> writer.writeOnce(event));
    }

    private Event event(ReplicaGroup group, Reason reason, String note, String name, Instant now) {
        LOG.infof(
                "%s/%s %s: %s",
                group.getMetadata().getNamespace(), group.getMetadata().getName(), reason, note);
        return new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(group.getMetadata().getNamespace())
                .endMetadata()
                .withNewRegarding()
                .withApiVersion(group.getApiVersion())
                .withKind(group.getKind())
                .withName(group.getMetadata().getName())
                .withNamespace(group.getMetadata().getNamespace())
                .withUid(group.getMetadata().getUid())
                .endRegarding()
                .withReason(reason.name())
                .withAction(reason.action())
                .withNote(note.length() > NOTE_LIMIT ? note.substring(0, NOTE_LIMIT) : note)
                .withType(reason.type())
                .withReportingController(CONTROLLER)
                .withReportingInstance(instance)
                .withEventTime(new MicroTime(MICRO_TIME.format(now)))
                .build();
    }

    private void enqueue(Event event, Runnable write) {
        try {
            queue.execute(write);
        } catch (RejectedExecutionException stopping) {
            LOG.infof(
                    "not recording event %s on %s: the operator is stopping",
                    event.getReason(), event.getRegarding().getName());
        }
    }
}
