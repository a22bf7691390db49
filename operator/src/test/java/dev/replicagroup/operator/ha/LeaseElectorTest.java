package dev.replicagroup.operator.ha;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two electors on a fabric8 mock API server (CRUD mode, which refuses an update of a stale version). */
@EnableKubernetesMockClient(crud = true)
class LeaseElectorTest {
    private static final String NS = "operators";
    private static final String NAME = "lease";
    private static final LeaseRules.Timing TIMING = new LeaseRules.Timing(
            Duration.ofSeconds(1), Duration.ofMillis(700), Duration.ofMillis(300), Duration.ofMillis(100));

    static KubernetesClient client;
    static KubernetesMockServer server;

    private final List<LeaseElector> electors = new ArrayList<>();
    private final AtomicInteger stepDowns = new AtomicInteger();

    @BeforeEach
    void drainRequests() throws InterruptedException {
        while (server.takeRequest(1, TimeUnit.MILLISECONDS) != null) {
            // earlier tests' requests
        }
    }

    @AfterEach
    void tearDown() {
        electors.forEach(LeaseElector::close);
        client.leases().inNamespace(NS).withName(NAME).delete();
    }

    private LeaseElector elector(String identity, AtomicInteger led) {
        LeaseElector elector = new LeaseElector(
                client, NS, NAME, identity, TIMING, System::nanoTime, led::incrementAndGet, stepDowns::incrementAndGet);
        electors.add(elector);
        elector.start();
        return elector;
    }

    private static String holder() {
        Lease lease = client.leases().inNamespace(NS).withName(NAME).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    @Test
    void oneLeadsAndAtRestOnlyTheLeaderWritesOnceARenewPeriod() throws InterruptedException {
        AtomicInteger aLed = new AtomicInteger();
        AtomicInteger bLed = new AtomicInteger();
        LeaseElector a = elector("a", aLed);
        await().atMost(Duration.ofSeconds(5)).until(a::leading);
        LeaseElector b = elector("b", bLed);
        drainAfter(Duration.ofMillis(500));

        Thread.sleep(3000);
        List<String> requests = requests();
        long writes = requests.stream().filter(r -> r.startsWith("PUT ")).count();
        // 3 s at one renewal each 300 ms: about 10 (fewer on a busy machine); a standby's writes would show as
        // more, reads as GETs.
        assertTrue(writes >= 4 && writes <= 11, writes + " renewals in 3 s: " + requests);
        assertEquals(
                List.of(), requests.stream().filter(r -> !r.startsWith("PUT ")).toList(), "only renewals");
        assertTrue(a.leading());
        assertFalse(b.leading());
        assertEquals("a", holder());
        assertEquals(1, aLed.get());
        assertEquals(0, bLed.get());
        assertEquals(0, stepDowns.get());
    }

    @Test
    void aStandbyTakesADeadLeadersPlaceAboutALeaseDurationAfterItsLastRenewal() {
        AtomicInteger bLed = new AtomicInteger();
        LeaseElector a = elector("a", new AtomicInteger());
        await().atMost(Duration.ofSeconds(5)).until(a::leading);
        LeaseElector b = elector("b", bLed);
        long killed = System.nanoTime();
        a.close(); // as a SIGKILL: no release
        await().atMost(Duration.ofSeconds(5)).until(b::leading);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        // The lease is 1 s from the last renewal (at most 300 ms before the kill), seen every 100 ms; a generous
        // ceiling for a busy machine, the floor is the point: never before the lease ran out.
        assertTrue(tookMs >= 600 && tookMs <= 3500, "took over after " + tookMs + " ms");
        assertEquals("b", holder());
        assertEquals(1, bLed.get());
        Lease lease = client.leases().inNamespace(NS).withName(NAME).get();
        assertEquals(1, lease.getSpec().getLeaseTransitions());
    }

    @Test
    void aReleasedLeaseIsTakenAtTheNextCheck() {
        LeaseElector a = elector("a", new AtomicInteger());
        await().atMost(Duration.ofSeconds(5)).until(a::leading);
        LeaseElector b = elector("b", new AtomicInteger());
        long released = System.nanoTime();
        a.release();
        await().atMost(Duration.ofSeconds(3)).until(b::leading);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
        // Far under the 1 s lease: the release, not the expiry, let it in.
        assertTrue(tookMs < 900, "took over " + tookMs + " ms after the release");
        assertFalse(a.leading());
    }

    @Test
    void aLeaderWhoseLeaseAnotherTookStepsDown() {
        LeaseElector a = elector("a", new AtomicInteger());
        await().atMost(Duration.ofSeconds(5)).until(a::leading);
        // The intruder's update races with the leader's renewals: read and write again until it lands.
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
            Lease lease = client.leases().inNamespace(NS).withName(NAME).get();
            lease.getSpec().setHolderIdentity("intruder");
            client.resource(lease).update();
            return true;
        });
        await().atMost(Duration.ofSeconds(3)).until(() -> stepDowns.get() == 1);
        assertFalse(a.leading());
    }

    private void drainAfter(Duration settle) throws InterruptedException {
        Thread.sleep(settle.toMillis());
        drainRequests();
    }

    private List<String> requests() throws InterruptedException {
        List<String> seen = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
            seen.add(request.getMethod() + " " + request.getPath());
        }
        return seen;
    }
}
