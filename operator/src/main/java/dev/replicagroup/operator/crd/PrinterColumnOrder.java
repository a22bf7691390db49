package dev.replicagroup.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Puts the ReplicaGroup CRD's printer columns in the order its {@link AdditionalPrinterColumn} annotations are
 * written, the order {@code kubectl get rg} shows them in. fabric8's CRD generator sorts them by JSON path, so
 * AGE ({@code .metadata.creationTimestamp}) would come first and READY last (fabric8io/kubernetes-client#3974,
 * closed without an option). Runs at build time on the generated CRD ({@link CrdPostProcessor}).
 */
public final class PrinterColumnOrder {
    private PrinterColumnOrder() {}

    static void apply(CustomResourceDefinitionVersion version) {
        version.setAdditionalPrinterColumns(inDeclaredOrder(version.getAdditionalPrinterColumns()));
    }

    static List<CustomResourceColumnDefinition> inDeclaredOrder(List<CustomResourceColumnDefinition> columns) {
        List<String> declared = Arrays.stream(ReplicaGroup.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name)
                .toList();
        return columns.stream()
                .sorted(Comparator.comparingInt(column -> position(declared, column.getName())))
                .toList();
    }

    private static int position(List<String> declared, String name) {
        int at = declared.indexOf(name);
        if (at < 0) {
            throw new IllegalStateException("printer column " + name + " is not one of ReplicaGroup's " + declared);
        }
        return at;
    }
}
