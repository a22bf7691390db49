package dev.replicagroup.operator.events;

import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventSeries;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Writes events.k8s.io/v1 Events as client-go's events broadcaster does: an event like one written less than
 * {@link #SERIES_WINDOW} before (same regarding object, reason, action, type and note) is not a new object, the
 * first one's {@code series} counts it. The series are kept in memory (no get before a patch); an operator that
 * restarts starts new ones. Called by one thread only (the recorder's writer).
 */
class EventWriter {
    private static final Logger LOG = Logger.getLogger(EventWriter.class);
    /** client-go's finishTime: a repeat after this long starts a new event. */
    static final Duration SERIES_WINDOW = Duration.ofMinutes(6);

    private record Key(
            String regardingUid, String regardingName, String reason, String action, String type, String note) {
        static Key of(Event e) {
            return new Key(
                    e.getRegarding().getUid(),
                    e.getRegarding().getName(),
                    e.getReason(),
                    e.getAction(),
                    e.getType(),
                    e.getNote());
        }
    }

    /** The first event of a series, its name on the server, its count and when it was last seen. */
    private record Series(String namespace, String name, int count, Instant lastObserved) {}

    private final KubernetesClient client;
    private final Map<Key, Series> recent = new HashMap<>();
    private long lastNanos;

    EventWriter(KubernetesClient client) {
        this.client = client;
    }

    /** Creates the event, or counts it in the series of an earlier one; logs a failure, never throws. */
    void write(Event event, Instant observed) {
        recent.values().removeIf(s -> !observed.isBefore(s.lastObserved().plus(SERIES_WINDOW)));
        Key key = Key.of(event);
        Series series = recent.get(key);
        try {
            if (series == null) {
                String name = createNamed(event, observed);
                recent.put(key, new Series(event.getMetadata().getNamespace(), name, 1, observed));
            } else {
                Series next = new Series(series.namespace(), series.name(), series.count() + 1, observed);
                patchSeries(next, event.getEventTime());
                recent.put(key, next);
            }
        } catch (KubernetesClientException e) {
            // A series whose event is gone (expired, deleted) starts again with the next repeat.
            recent.remove(key);
            LOG.warnf(
                    "could not record event %s on %s: %s",
                    event.getReason(), event.getRegarding().getName(), e.getMessage());
        }
    }

    /**
     * Creates a once-only event, named by the caller: the API server refuses a repeat as existing.
     */
    void writeOnce(Event event) {
        try {
            create(event);
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                LOG.debugf("event %s was recorded already", event.getMetadata().getName());
                return;
            }
            LOG.warnf(
                    "could not record event %s on %s: %s",
                    event.getReason(), event.getRegarding().getName(), e.getMessage());
        }
    }

    /** Names the event as client-go does ({@code <regarding>.<hex nanoseconds>}) and creates it. */
    private String createNamed(Event event, Instant observed) {
        // Two events in the same nanosecond (a coarse clock) must not share a name.
        long nanos = Math.max(observed.getEpochSecond() * 1_000_000_000L + observed.getNano(), lastNanos + 1);
        lastNanos = nanos;
        String name = event.getRegarding().getName() + "." + Long.toHexString(nanos);
        event.getMetadata().setName(name);
        create(event);
        return name;
    }

    private void create(Event event) {
        client.events()
                .v1()
                .events()
                .inNamespace(event.getMetadata().getNamespace())
                .resource(event)
                .create();
    }

    private void patchSeries(Series series, MicroTime lastObserved) {
        // Patched through a named resource: withName(...).patch reads the event first, and the RBAC has no get.
        Event named = new EventBuilder()
                .withNewMetadata()
                .withNamespace(series.namespace())
                .withName(series.name())
                .endMetadata()
                .build();
        client.events()
                .v1()
                .events()
                .inNamespace(series.namespace())
                .resource(named)
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        Serialization.asJson(Map.of("series", new EventSeries(series.count(), lastObserved))));
    }
}
