package dev.replicagroup.operator.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.tls.CertificateAuthority;
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
        // And a Secret whose ca.crt is not the current CA, whatever it holds, since the replicas trust ca.crt.
        CertificatePolicy.Decision stale = at(NOW).decide(other.certificatePem(), held(CA, NAMES, NOW), NAMES);
        assertTrue(assertInstanceOf(CertificatePolicy.Decision.Renew.class, stale)
                .why()
                .contains("ca.crt"));
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
