package dev.replicagroup.replica.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.replicagroup.replica.load.OpRecord.Outcome;
import org.junit.jupiter.api.Test;

/** The line format is the one tools/lincheck reads (its history.go). */
class HistoryFileTest {

    @Test
    void writesAndReadsWithTheirOutcomes() {
        assertEquals(
                "{\"client\":2,\"key\":\"k\",\"op\":\"write\",\"value\":\"c2-7\",\"invoke_ns\":10,\"complete_ns\":20,"
                        + "\"outcome\":\"unknown\"}",
                HistoryFile.line(new OpRecord(2, OpRecord.WRITE, "k", "c2-7", Outcome.UNKNOWN, 10, 20)));
        assertEquals(
                "{\"client\":-1,\"key\":\"k\",\"op\":\"read\",\"value\":null,\"invoke_ns\":30,\"complete_ns\":40,"
                        + "\"outcome\":\"ok\"}",
                HistoryFile.line(new OpRecord(-1, OpRecord.READ, "k", null, Outcome.OK, 30, 40)));
    }

    @Test
    void stringsAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\u000a\"", HistoryFile.quote("a\"b\\c\n"));
    }
}
