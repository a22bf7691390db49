package dev.replicagroup.replica.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.tls.CertificateAuthority;
import dev.replicagroup.replica.tls.Pem;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsMaterialTest {
    private final CertificateAuthority ca = CertificateAuthority.create("test-ca", Duration.ofDays(1), Instant.now());
    private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
    private final AdvancedTlsX509TrustManager trust;

    TlsMaterialTest() throws CertificateException {
        trust = AdvancedTlsX509TrustManager.newBuilder().build();
    }

    private TlsMaterial material(CertificateAuthority.Issued issued) {
        return new TlsMaterial(issued.certificatePem(), issued.privateKeyPem(), ca.certificatePem());
    }

    private CertificateAuthority.Issued issue() {
        return ca.issue(List.of("member.test"), Duration.ofHours(1), Instant.now());
    }

    @Test
    void installsAMatchingPairAndTheCa() throws Exception {
        CertificateAuthority.Issued issued = issue();
        material(issued).install(keys, trust);
        assertEquals(Pem.certificate(issued.certificatePem()), keys.getCertificateChain("default")[0]);
        assertArrayEquals(new Object[] {Pem.certificate(ca.certificatePem())}, trust.getAcceptedIssuers());
    }

    @Test
    void refusesHalfARotationAndKeepsWhatIsServed() throws Exception {
        CertificateAuthority.Issued served = issue();
        material(served).install(keys, trust);
        CertificateAuthority.Issued next = issue();
        TlsMaterial half = new TlsMaterial(next.certificatePem(), served.privateKeyPem(), ca.certificatePem());
        GeneralSecurityException refused =
                assertThrows(GeneralSecurityException.class, () -> half.install(keys, trust));
        assertTrue(refused.getMessage().contains("does not belong"), refused.getMessage());
        assertEquals(Pem.certificate(served.certificatePem()), keys.getCertificateChain("default")[0]);
    }

    @Test
    void refusesAnEmptyCaFile() {
        CertificateAuthority.Issued issued = issue();
        TlsMaterial noCa = new TlsMaterial(issued.certificatePem(), issued.privateKeyPem(), "");
        GeneralSecurityException refused =
                assertThrows(GeneralSecurityException.class, () -> noCa.install(keys, trust));
        assertTrue(refused.getMessage().contains("CA file"), refused.getMessage());
    }
}
