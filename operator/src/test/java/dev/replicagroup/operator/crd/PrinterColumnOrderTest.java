package dev.replicagroup.operator.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrinterColumnOrderTest {
    static final List<String> KUBECTL_ORDER = List.of("Ready", "Primary", "Term", "Phase", "Age");

    static CustomResourceColumnDefinition column(String name, String jsonPath) {
        CustomResourceColumnDefinition column = new CustomResourceColumnDefinition();
        column.setName(name);
        column.setJsonPath(jsonPath);
        return column;
    }

    @Test
    void putsTheGeneratorsJsonPathOrderBackInTheOrderOfTheAnnotations() {
        List<CustomResourceColumnDefinition> sortedByPath = List.of(
                column("Age", ".metadata.creationTimestamp"),
                column("Primary", ".status.currentPrimary"),
                column("Phase", ".status.phase"),
                column("Ready", ".status.ready"),
                column("Term", ".status.term"));
        assertEquals(
                KUBECTL_ORDER,
                PrinterColumnOrder.inDeclaredOrder(sortedByPath).stream()
                        .map(CustomResourceColumnDefinition::getName)
                        .toList());
    }

    @Test
    void aColumnWithoutAnAnnotationFailsTheBuild() {
        IllegalStateException unknown = assertThrows(
                IllegalStateException.class,
                () -> PrinterColumnOrder.inDeclaredOrder(
                        List.of(column("Ready", ".status.ready"), column("Lag", ".status.lag"))));
        assertEquals("printer column Lag is not one of ReplicaGroup's " + KUBECTL_ORDER, unknown.getMessage());
    }

    /** CrdInSyncIT keeps this copy equal to the generated CRD, so this is what the build generates. */
    @Test
    void theCheckedInCrdListsThemInThatOrder() throws IOException {
        Path crd = Path.of("..", "crds", "replicagroups.replicagroup.dev-v1.yml");
        JsonNode columns = new ObjectMapper(new YAMLFactory())
                .readTree(Files.readString(crd))
                .at("/spec/versions/0/additionalPrinterColumns");
        List<String> names = new ArrayList<>();
        columns.forEach(c -> names.add(c.get("name").asText()));
        assertEquals(KUBECTL_ORDER, names);
    }
}
