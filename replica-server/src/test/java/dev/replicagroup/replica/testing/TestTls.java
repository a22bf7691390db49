package dev.replicagroup.replica.testing;

import dev.replicagroup.replica.server.TlsOptions;
import dev.replicagroup.replica.tls.CertificateAuthority;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A group's TLS files in a directory, as the operator's Secret mounts them: ca.crt, tls.crt, tls.key. */
public final class TestTls {
    private final Path dir;

    public TestTls(Path dir) {
        this.dir = dir;
    }

    /** Writes a certificate for {@code names} from {@code ca}, replacing the files atomically, as kubelet does. */
    public TestTls issue(CertificateAuthority ca, List<String> names) throws IOException {
        CertificateAuthority.Issued issued = ca.issue(names, Duration.ofDays(1), Instant.now());
        write("ca.crt", ca.certificatePem());
        write("tls.crt", issued.certificatePem());
        write("tls.key", issued.privateKeyPem());
        return this;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    public TlsOptions options(String peerName) {
        return new TlsOptions(file("tls.crt"), file("tls.key"), file("ca.crt"), peerName);
    }

    private void write(String name, String pem) throws IOException {
        Path next = dir.resolve(name + ".next");
        Files.writeString(next, pem, StandardCharsets.US_ASCII);
        Files.move(next, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
