package dev.replicagroup.replica.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.load.OpRecord.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java side runs the real checker of this checkout (built by scripts/lincheck.sh if missing). */
class LinearizabilityCheckTest {
    private static LinearizabilityCheck checker;

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        checker = LinearizabilityCheck.find();
    }

    private LinearizabilityCheck.Result check(String name, OpRecord... ops) throws Exception {
        Path history = dir.resolve(name + ".jsonl");
        HistoryFile.write(history, List.of(ops));
        return checker.check(history, Duration.ofSeconds(30));
    }

    @Test
    void anUnknownWriteSeenLaterIsLinearizable() throws Exception {
        LinearizabilityCheck.Result result = check(
                "good",
                new OpRecord(0, OpRecord.WRITE, "k", "a", Outcome.OK, 0, 10),
                new OpRecord(1, OpRecord.WRITE, "k", "b", Outcome.UNKNOWN, 20, 30),
                new OpRecord(2, OpRecord.READ, "k", "b", Outcome.OK, 100, 110));
        assertTrue(result.linearizable(), result.output());
        assertTrue(result.output().startsWith("linearizable: 3 operations"), result.output());
        assertTrue(Files.exists(result.report()));
    }

    @Test
    void aLostWriteIsNotLinearizableAndIsExplained() throws Exception {
        LinearizabilityCheck.Result result = check(
                "lost",
                new OpRecord(0, OpRecord.WRITE, "k", "a", Outcome.OK, 0, 10),
                new OpRecord(LoadGenerator.READ_BACK_CLIENT, OpRecord.READ, "k", null, Outcome.OK, 20, 30));
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("key \"k\"") && result.output().contains("read absent"), result.output());
        assertTrue(Files.exists(result.visualization()), "Porcupine's visualization " + result.visualization());
    }

    @Test
    void badInputIsExitTwoAndNamesTheLine() throws Exception {
        Path history = dir.resolve("bad.jsonl");
        Files.writeString(history, "{\"client\":0}\n");
        LinearizabilityCheck.Result result = checker.check(history, Duration.ofSeconds(30));
        assertEquals(2, result.exitCode(), result.output());
        assertTrue(result.output().contains("line 1: missing field(s)"), result.output());
        assertFalse(result.linearizable());
    }

    @Test
    void aMissingBinarySaysHowToBuildIt() {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> LinearizabilityCheck.at(dir.resolve("nothing")));
        assertTrue(e.getMessage().contains("scripts/lincheck.sh build"), e.getMessage());
    }
}
