package dev.replicagroup.operator.events;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.replicagroup.operator.Fixtures;
import dev.replicagroup.operator.crd.ReplicaGroup;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events written to a fabric8 mock API server (CRUD mode), the clock stepped across the series window. */
@EnableKubernetesMockClient(crud = true)
class EventRecorderTest {
    private static final String NS = "ns";
    private static final Duration WAIT = Duration.ofSeconds(10);

    static KubernetesClient client;
    static KubernetesMockServer server;

    private final SteppedClock clock = new SteppedClock(Fixtures.NOW);
    private EventRecorder recorder;
    private ReplicaGroup group;

    @BeforeEach
    void setUp() {
        recorder = new EventRecorder(client, clock, "operator-7d9f-abcde");
        group = new ReplicaGroup();
        group.setMetadata(new ObjectMetaBuilder()
                .withName("demo")
                .withNamespace(NS)
                .withUid("1234abcd-0000-0000-0000-000000000000")
                .build());
    }

    @AfterEach
    void tearDown() {
        recorder.flush();
        client.events().v1().events().inNamespace(NS).delete();
    }

    @Test
    void aFirstEventIsAnEventsV1ObjectNamedAfterTheGroupAndTheTime() {
        recorder.record(group, Reason.ScaledUp, "scaled up to 3");

        Event event = awaitEvents(1).get(0);
        assertEquals(
                "demo." + Long.toHexString(nanos(Fixtures.NOW)),
                event.getMetadata().getName());
        assertEquals("ReplicaGroup", event.getRegarding().getKind());
        assertEquals("demo", event.getRegarding().getName());
        assertEquals(group.getMetadata().getUid(), event.getRegarding().getUid());
        assertEquals("ScaledUp", event.getReason());
        assertEquals("Scale", event.getAction());
        assertEquals("scaled up to 3", event.getNote());
        assertEquals("Normal", event.getType());
        assertEquals("replicagroup.dev/operator", event.getReportingController());
        assertEquals("operator-7d9f-abcde", event.getReportingInstance());
        assertEquals("2026-11-22T10:00:00.000000Z", event.getEventTime().getTime());
        assertNull(event.getSeries());
    }

    @Test
    void aWarningReasonRecordsAWarning() {
        recorder.record(group, Reason.InvalidSpec, "syncAcks must be at most the helpers");

        assertEquals("Warning", awaitEvents(1).get(0).getType());
    }

    @Test
    void aRepeatWithinTheWindowCountsInTheSeriesOfTheSameObject() throws InterruptedException {
        recorder.record(group, Reason.FailoverBlocked, "heard from 1 of 2 helpers");
        awaitEvents(1);
        clock.advance(Duration.ofMinutes(5));
        recorder.record(group, Reason.FailoverBlocked, "heard from 1 of 2 helpers");
        clock.advance(Duration.ofMinutes(5));
        recorder.record(group, Reason.FailoverBlocked, "heard from 1 of 2 helpers");

        await().atMost(WAIT).until(() -> seriesCount(events().get(0)) == 3);
        Event event = events().get(0);
        assertEquals(1, events().size());
        assertEquals(
                "2026-11-22T10:10:00.000000Z",
                event.getSeries().getLastObservedTime().getTime());
        assertEquals("2026-11-22T10:00:00.000000Z", event.getEventTime().getTime());
        assertEquals(List.of(), namedEventReads(), "the series is counted without reading the event (RBAC: no get)");
    }

    @Test
    void aRepeatAfterTheWindowIsANewObject() {
        recorder.record(group, Reason.FailoverBlocked, "heard from 1 of 2 helpers");
        awaitEvents(1);
        clock.advance(EventWriter.SERIES_WINDOW);
        recorder.record(group, Reason.FailoverBlocked, "heard from 1 of 2 helpers");

        List<Event> events = awaitEvents(2);
        assertNull(events.get(0).getSeries());
        assertNull(events.get(1).getSeries());
    }

    @Test
    void anotherNoteOrReasonIsAnotherEventEvenAtTheSameInstant() {
        recorder.record(group, Reason.PodReplaced, "removed demo-1: not ready");
        recorder.record(group, Reason.PodReplaced, "removed demo-2: not ready");
        recorder.record(group, Reason.FailoverBlocked, "removed demo-2: not ready");

        List<Event> events = awaitEvents(3);
        assertEquals(
                3,
                events.stream().map(e -> e.getMetadata().getName()).distinct().count());
    }

    @Test
    void aFailedWriteIsLoggedAndTheNextEventIsStillWritten() {
        server.expect()
                .post()
                .withPath("/apis/events.k8s.io/v1/namespaces/" + NS + "/events")
                .andReturn(403, "events.k8s.io events is forbidden")
                .once();

        assertDoesNotThrow(() -> recorder.record(group, Reason.ScaledUp, "scaled up to 2"));
        clock.advance(Duration.ofSeconds(1));
        recorder.record(group, Reason.ScaledUp, "scaled up to 3");

        assertEquals("scaled up to 3", awaitEvents(1).get(0).getNote());
    }

    @Test
    void aSeriesWhoseEventIsGoneStartsAgainWithTheNextRepeat() {
        recorder.record(group, Reason.FailoverBlocked, "heard from 1 of 2 helpers");
        awaitEvents(1);
        client.events().v1().events().inNamespace(NS).delete();
        clock.advance(Duration.ofSeconds(1));
        recorder.record(group, Reason.FailoverBlocked, "heard from 1 of 2 helpers");
        clock.advance(Duration.ofSeconds(1));
        recorder.record(group, Reason.FailoverBlocked, "heard from 1 of 2 helpers");

        Event event = awaitEvents(1).get(0);
        assertEquals("2026-11-22T10:00:02.000000Z", event.getEventTime().getTime());
    }

    @Test
    void aOnceOnlyEventRecordedAgainIsNotWrittenTwice() {
        recorder.recordOnce(group, Reason.Promoted, 7, "promoted demo-1 in term 7");
        clock.advance(EventWriter.SERIES_WINDOW);
        recorder.recordOnce(group, Reason.Promoted, 7, "promoted demo-1 in term 7");
        recorder.recordOnce(group, Reason.Promoted, 8, "promoted demo-2 in term 8");

        List<Event> events = awaitEvents(2);
        assertEquals("demo.1234abcd.promoted.7", events.get(0).getMetadata().getName());
        assertEquals("demo.1234abcd.promoted.8", events.get(1).getMetadata().getName());
    }

    private static List<Event> events() {
        return client.events().v1().events().inNamespace(NS).list().getItems().stream()
                .sorted(Comparator.comparing(e -> e.getMetadata().getName()))
                .toList();
    }

    /** Waits for the writer thread to write this many events. */
    private static List<Event> awaitEvents(int count) {
        await().atMost(WAIT).until(() -> events().size() >= count);
        List<Event> events = events();
        assertEquals(count, events.size(), events.toString());
        return events;
    }

    /** The requests so far that read one event by name. */
    private static List<String> namedEventReads() throws InterruptedException {
        List<String> reads = new ArrayList<>();
        for (RecordedRequest r; (r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null; ) {
            if (r.getMethod().equals("GET")
                    && r.getPath().startsWith("/apis/events.k8s.io/v1/namespaces/" + NS + "/events/")) {
                reads.add(r.getPath());
            }
        }
        return reads;
    }

    private static int seriesCount(Event event) {
        return event.getSeries() == null ? 1 : event.getSeries().getCount();
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** A clock that stands still until the test moves it. */
    private static final class SteppedClock extends Clock {
        private Instant now;

        SteppedClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a test clock is in UTC");
        }
    }
}
