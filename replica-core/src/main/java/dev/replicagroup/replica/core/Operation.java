package dev.replicagroup.replica.core;

import java.util.Arrays;

/** What a log entry does to the key-value state. */
public sealed interface Operation {

    // equals, hashCode and toString below compare and show the contents; the array is the value as received
    @SuppressWarnings("ArrayRecordComponent")
    record Put(String key, byte[] value) implements Operation {
        @Override
        public boolean equals(Object o) {
            return o instanceof Put p && p.key.equals(key) && Arrays.equals(p.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * key.hashCode() + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Put[" + key + ", " + value.length + " bytes]";
        }
    }

    record Delete(String key) implements Operation {}

    /** Written by a new primary at the start of its term, so that earlier entries commit with it. */
    record Noop() implements Operation {}
}
