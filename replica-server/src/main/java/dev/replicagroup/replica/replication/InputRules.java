package dev.replicagroup.replica.replication;

import dev.replicagroup.replica.core.Limits;
import dev.replicagroup.replica.core.Operation;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Checks a client write against the documented limits before it reaches the log. */
final class InputRules {
    private InputRules() {}

    /** What is wrong with the write, if anything, in words that say how to fix it. */
    static Optional<String> check(Operation op) {
        String key;
        if (op instanceof Operation.Put put) {
            key = put.key();
            if (put.value().length > Limits.MAX_VALUE_BYTES) {
                return Optional.of("value of key '" + abbreviate(key) + "' is " + put.value().length
                        + " bytes; the limit is " + Limits.MAX_VALUE_BYTES + " bytes (1 MiB)");
            }
        } else if (op instanceof Operation.Delete delete) {
            key = delete.key();
        } else {
            return Optional.of("only put and delete can be written");
        }
        return checkKey(key);
    }

    static Optional<String> checkKey(String key) {
        if (key == null || key.isEmpty()) {
            return Optional.of("the key is empty; give a non-empty key");
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > Limits.MAX_KEY_BYTES) {
            return Optional.of("key '" + abbreviate(key) + "' is " + bytes + " bytes; the limit is "
                    + Limits.MAX_KEY_BYTES + " bytes");
        }
        return Optional.empty();
    }

    private static String abbreviate(String key) {
        return key.length() <= 40 ? key : key.substring(0, 40) + "...";
    }
}
