package dev.archway.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Descriptions for the fields the CRD generator takes from Kubernetes' own types (conditions,
 * resource requirements) and for spec and status, which carry no annotation of ours, so that
 * {@code kubectl explain} documents every field.
 */
final class StandardFieldDescriptions {

  private static final Map<String, String> SPEC_STATUS = Map.of(
      "spec", "Desired state, written by the user.",
      "status", "Observed state, written by the Archway operator only.");

  /** By path below a field whose type is Kubernetes' own, e.g. {@code conditions[].reason}. */
  private static final Map<String, String> BY_SUFFIX = Map.ofEntries(
      Map.entry("conditions[].type", "Type of the condition, e.g. Ready or Accepted."),
      Map.entry("conditions[].status", "True, False or Unknown."),
      Map.entry("conditions[].reason", "Machine-readable CamelCase reason for the last transition."),
      Map.entry("conditions[].message", "Human-readable detail of the last transition; names the offending field where there is one."),
      Map.entry("conditions[].lastTransitionTime", "When the status last changed."),
      Map.entry("conditions[].observedGeneration", "metadata.generation of the resource this condition was computed from."),
      Map.entry("resources.limits", "Maximum compute resources per gateway container (cpu, memory)."),
      Map.entry("resources.requests", "Compute resources the scheduler reserves per gateway container (cpu, memory)."),
      Map.entry("resources.claims", "Dynamically allocated resources (DRA) the container uses; rarely needed."),
      Map.entry("resources.claims[].name", "Name of an entry of the pod's resourceClaims."),
      Map.entry("resources.claims[].request", "Name of the request within that claim, if it has several."));

  private StandardFieldDescriptions() {}

  /** Fills in the descriptions the generator left empty; never replaces one. */
  static void fill(CustomResourceDefinition crd) {
    for (var version : crd.getSpec().getVersions()) {
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      root.getProperties().forEach((name, props) -> {
        if (props.getDescription() == null && SPEC_STATUS.containsKey(name)) {
          props.setDescription(SPEC_STATUS.get(name));
        }
        walk(props, name);
      });
    }
  }

  private static void walk(JSONSchemaProps node, String path) {
    if (node.getProperties() != null) {
      node.getProperties().forEach((name, child) -> {
        String childPath = path + "." + name;
        describe(child, childPath);
        walk(child, childPath);
      });
    }
    if (node.getItems() != null && node.getItems().getSchema() != null) {
      walk(node.getItems().getSchema(), path + "[]");
    }
  }

  private static void describe(JSONSchemaProps props, String path) {
    if (props.getDescription() != null) {
      return;
    }
    BY_SUFFIX.entrySet().stream()
        .filter(e -> path.endsWith("." + e.getKey()))
        .findFirst()
        .ifPresent(e -> props.setDescription(e.getValue()));
  }

  /** Paths of the fields that still have no description. */
  static List<String> undescribed(CustomResourceDefinition crd) {
    List<String> missing = new ArrayList<>();
    for (var version : crd.getSpec().getVersions()) {
      collect(version.getSchema().getOpenAPIV3Schema(), "", missing);
    }
    return missing;
  }

  private static void collect(JSONSchemaProps node, String path, List<String> missing) {
    if (node.getProperties() != null) {
      node.getProperties().forEach((name, child) -> {
        String childPath = path.isEmpty() ? name : path + "." + name;
        if (child.getDescription() == null || child.getDescription().isBlank()) {
          missing.add(childPath);
        }
        collect(child, childPath, missing);
      });
    }
    if (node.getItems() != null && node.getItems().getSchema() != null) {
      collect(node.getItems().getSchema(), path + "[]", missing);
    }
  }
}
