package dev.replicagroup.operator.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.tls.CertificateAuthority;
import dev.replicagroup.replica.tls.Pem;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the operator issues, renews or keeps a group's certificate: no Kubernetes, a fixed clock. */
class CertificatePolicyTest {
    private static final Instant NOW = Instant.parse("2026-12-03T08:00:00Z");
    private static final List<String> NAMES = List.of("demo-peers.ns.svc", "*.demo-peers.ns.svc", "demo");
    private static final CertificateAuthority CA =
            CertificateAuthority.create("demo CA", CertificatePolicy.CA_VALIDITY, NOW);

    private static CertificatePolicy at(Instant now) {
        return new CertificatePolicy(Clock.fixed(now, ZoneOffset.UTC));
    }

    private static CertificatePolicy.Held held(CertificateAuthority ca, List<String> names, Instant issuedAt) {
        CertificateAuthority.Issued issued = ca.issue(names, CertificatePolicy.LEAF_VALIDITY, issuedAt);
        return new CertificatePolicy.Held(
                Optional.of(issued.certificatePem()),
                Optional.of(issued.privateKeyPem()),
                Optional.of(ca.certificatePem()));
    }

    private static final CertificatePolicy.Held NOTHING =
            new CertificatePolicy.Held(Optional.empty(), Optional.empty(), Optional.empty());

    @Test
    void withoutACertificateOneIsIssued() {
        CertificatePolicy.Decision d = at(NOW).decide(CA.certificatePem(), NOTHING, NAMES);
        assertInstanceOf(CertificatePolicy.Decision.Issue.class, d);
    }

    @Test
    void aFreshCertificateOfTheCurrentCaForTheSameNamesIsKeptUntilItsExpiry() {
        CertificatePolicy.Decision d =
                at(NOW.plus(Duration.ofDays(10))).decide(CA.certificatePem(), held(CA, NAMES, NOW), NAMES);
        CertificatePolicy.Decision.Keep keep = assertInstanceOf(CertificatePolicy.Decision.Keep.class, d);
        assertEquals(NOW.plus(CertificatePolicy.LEAF_VALIDITY), keep.notAfter());
    }

    @Test
    void lessThanThirtyDaysBeforeExpiryItIsRenewed() {
        CertificatePolicy.Held held = held(CA, NAMES, NOW);
        // 90 days of validity: kept at day 60 - 1 s, renewed once fewer than 30 days remain.
        assertInstanceOf(
                CertificatePolicy.Decision.Keep.class,
                at(NOW.plus(Duration.ofDays(60)).minusSeconds(1)).decide(CA.certificatePem(), held, NAMES));
        CertificatePolicy.Decision d = at(NOW.plus(Duration.ofDays(61))).decide(CA.certificatePem(), held, NAMES);
        assertTrue(
                assertInstanceOf(CertificatePolicy.Decision.Renew.class, d)
                        .why()
                        .contains("less than 30 days"),
                d.toString());
    }

    @Test
    void aCertificateOfAnotherCaIsRenewed() {
        CertificateAuthority other = CertificateAuthority.create("demo CA", CertificatePolicy.CA_VALIDITY, NOW);
        // Same subject, other key: the signature is what tells them apart.
        CertificatePolicy.Held byOther = held(other, NAMES, NOW);
        CertificatePolicy.Held withCurrentCaCrt =
                new CertificatePolicy.Held(byOther.certificate(), byOther.key(), Optional.of(CA.certificatePem()));
        CertificatePolicy.Decision d = at(NOW).decide(CA.certificatePem(), withCurrentCaCrt, NAMES);
        assertTrue(assertInstanceOf(CertificatePolicy.Decision.Renew.class, d)
                .why()
                .contains("not signed by the current CA"));
        // And a Secret whose ca.crt does not hold the current CA, with nothing usable to keep meanwhile.
        CertificatePolicy.Held unusable = new CertificatePolicy.Held(
                Optional.of("not a certificate"), Optional.of(CA.privateKeyPem()), Optional.of(CA.certificatePem()));
        CertificatePolicy.Decision stale = at(NOW).decide(other.certificatePem(), unusable, NAMES);
        CertificatePolicy.Decision.Renew renew = assertInstanceOf(CertificatePolicy.Decision.Renew.class, stale);
        assertTrue(renew.why().contains("ca.crt"), renew.why());
        assertEquals(List.of(Pem.certificate(other.certificatePem())), Pem.certificates(renew.caBundle()));
    }

    @Test
    void aNewCaIsTrustedFirstThenIssuesTheCertificateThenTheOldCaIsDropped() {
        CertificateAuthority next = CertificateAuthority.create("demo CA 2", CertificatePolicy.CA_VALIDITY, NOW);
        X509Certificate oldCa = Pem.certificate(CA.certificatePem());
        X509Certificate newCa = Pem.certificate(next.certificatePem());
        CertificatePolicy.Held running = held(CA, NAMES, NOW);

        // 1. The new CA joins ca.crt; the certificate stays, so members that have not reloaded still agree.
        CertificatePolicy.Decision.Trust first = assertInstanceOf(
                CertificatePolicy.Decision.Trust.class, at(NOW).decide(next.certificatePem(), running, NAMES));
        assertEquals(List.of(newCa, oldCa), Pem.certificates(first.caBundle()));

        // 2. Until every member has loaded that, the certificate of the old CA is kept; then one from the new.
        CertificatePolicy.Held trusting = new CertificatePolicy.Held(
                running.certificate(), running.key(), Optional.of(first.caBundle()), Optional.of(NOW));
        assertInstanceOf(
                CertificatePolicy.Decision.Keep.class,
                at(NOW.plus(CertificatePolicy.SPREAD).minusSeconds(1)).decide(next.certificatePem(), trusting, NAMES));
        Instant second = NOW.plus(CertificatePolicy.SPREAD);
        CertificatePolicy.Decision.Renew renew = assertInstanceOf(
                CertificatePolicy.Decision.Renew.class, at(second).decide(next.certificatePem(), trusting, NAMES));
        assertEquals(List.of(newCa, oldCa), Pem.certificates(renew.caBundle()), "the old CA stays trusted meanwhile");

        // 3. Once every member presents the new certificate, ca.crt holds only the new CA.
        CertificateAuthority.Issued issued = next.issue(NAMES, CertificatePolicy.LEAF_VALIDITY, second);
        CertificatePolicy.Held renewed = new CertificatePolicy.Held(
                Optional.of(issued.certificatePem()),
                Optional.of(issued.privateKeyPem()),
                Optional.of(renew.caBundle()),
                Optional.of(second));
        assertInstanceOf(
                CertificatePolicy.Decision.Keep.class,
                at(second.plus(CertificatePolicy.SPREAD).minusSeconds(1))
                        .decide(next.certificatePem(), renewed, NAMES));
        CertificatePolicy.Decision.Trust last = assertInstanceOf(
                CertificatePolicy.Decision.Trust.class,
                at(second.plus(CertificatePolicy.SPREAD)).decide(next.certificatePem(), renewed, NAMES));
        assertEquals(List.of(newCa), Pem.certificates(last.caBundle()));
        CertificatePolicy.Held done = new CertificatePolicy.Held(
                renewed.certificate(),
                renewed.key(),
                Optional.of(last.caBundle()),
                Optional.of(second.plus(CertificatePolicy.SPREAD)));
        assertInstanceOf(
                CertificatePolicy.Decision.Keep.class,
                at(second.plus(Duration.ofDays(1))).decide(next.certificatePem(), done, NAMES));
    }

    @Test
    void aCertificateForOtherNamesIsRenewed() {
        CertificatePolicy.Decision d =
                at(NOW).decide(CA.certificatePem(), held(CA, List.of("demo-peers.ns.svc", "demo"), NOW), NAMES);
        assertTrue(assertInstanceOf(CertificatePolicy.Decision.Renew.class, d)
                .why()
                .contains("DNS names"));
        // The order matters too: the first name is the certificate's common name.
        assertInstanceOf(
                CertificatePolicy.Decision.Renew.class,
                at(NOW).decide(
                                CA.certificatePem(),
                                held(CA, List.of("demo", "*.demo-peers.ns.svc", "demo-peers.ns.svc"), NOW),
                                NAMES));
    }

    @Test
    void aSecretWithoutKeyOrWithGarbageIsRenewed() {
        CertificatePolicy.Held good = held(CA, NAMES, NOW);
        assertInstanceOf(
                CertificatePolicy.Decision.Renew.class,
                at(NOW).decide(
                                CA.certificatePem(),
                                new CertificatePolicy.Held(good.certificate(), Optional.empty(), good.ca()),
                                NAMES));
        assertInstanceOf(
                CertificatePolicy.Decision.Renew.class,
                at(NOW).decide(
                                CA.certificatePem(),
                                new CertificatePolicy.Held(Optional.of("not a certificate"), good.key(), good.ca()),
                                NAMES));
    }

    @Test
    void aCaIsMadeWhenThereIsNoneOrItCannotBeReadOrItExpiresWithinALeafsLife() {
        CertificatePolicy policy = at(NOW);
        assertTrue(policy.caProblem(Optional.empty(), Optional.empty()).isPresent());
        assertTrue(policy.caProblem(Optional.of("junk"), Optional.of(CA.privateKeyPem()))
                .isPresent());
        assertEquals(
                Optional.empty(), policy.caProblem(Optional.of(CA.certificatePem()), Optional.of(CA.privateKeyPem())));
        assertTrue(at(CA.notAfter().minus(Duration.ofDays(89)))
                .caProblem(Optional.of(CA.certificatePem()), Optional.of(CA.privateKeyPem()))
                .orElseThrow()
                .contains("expires"));
    }
}
