package dev.replicagroup.operator.resources;

import dev.replicagroup.operator.crd.ReplicaGroup;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/** The Secret holding the admin token the replicas require on Admin calls (and the operator sends). */
public final class Secrets {
    public static final String TOKEN_KEY = "token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    /** A fresh 256-bit token; made once per group and never rotated by the operator. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The Secret holding {@code token}. */
    public static Secret adminToken(ReplicaGroup group, String token) {
        return new SecretBuilder()
                .withMetadata(Owners.metadata(
                        group, Names.tokenSecret(group.getMetadata().getName()), "admin-token"))
                .withType("Opaque")
                .withStringData(Map.of(TOKEN_KEY, token))
                .build();
    }

    /** The token in a Secret read back from the API (data is base64), or in one just built (stringData). */
    public static String token(Secret secret) {
        if (secret.getData() != null && secret.getData().containsKey(TOKEN_KEY)) {
            return new String(
                    Base64.getDecoder().decode(secret.getData().get(TOKEN_KEY)),
                    java.nio.charset.StandardCharsets.UTF_8);
        }
        return secret.getStringData().get(TOKEN_KEY);
    }
}
