package dev.archway.operator.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.archway.api.v1alpha1.ApiGroup;
import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.ArchwayService;
import dev.archway.api.v1alpha1.GatewayCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The custom resources in a folder of YAML files, as {@code kubectl apply -f DIR} would read
 * them; objects of other kinds are skipped.
 *
 * @param clusters GatewayClusters
 * @param services Services (archway.dev)
 * @param routes Routes (archway.dev)
 */
public record ExampleResources(
    List<GatewayCluster> clusters, List<ArchwayService> services, List<ArchwayRoute> routes) {

  private static final ObjectMapper YAML = new YAMLMapper();
  // strict like kubectl apply: a misspelt field is an error, not silently dropped
  private static final ObjectMapper KUBE =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /**
   * Reads every {@code *.yaml}/{@code *.yml} in a folder; a namespace left out becomes {@code default}.
   *
   * @throws IllegalArgumentException naming the file and document that could not be read
   */
  public static ExampleResources read(Path dir) throws IOException {
    List<GatewayCluster> clusters = new ArrayList<>();
    List<ArchwayService> services = new ArrayList<>();
    List<ArchwayRoute> routes = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
    for (Path file : files) {
      int index = 0;
      try (var parser = new YAMLFactory().createParser(file.toFile())) {
        for (var it = YAML.readValues(parser, JsonNode.class); it.hasNextValue(); index++) {
          JsonNode doc = it.nextValue();
          if (doc == null || doc.isNull() || doc.isMissingNode() || doc.isEmpty()) {
            continue;
          }
          if (!ApiGroup.API_VERSION.equals(doc.path("apiVersion").asText())) {
            continue;
          }
          String kind = doc.path("kind").asText();
          try {
            switch (kind) {
              case "GatewayCluster" -> clusters.add(withNamespace(KUBE.convertValue(doc, GatewayCluster.class)));
              case "Service" -> services.add(withNamespace(KUBE.convertValue(doc, ArchwayService.class)));
              case "Route" -> routes.add(withNamespace(KUBE.convertValue(doc, ArchwayRoute.class)));
              default -> throw new IllegalArgumentException("unknown kind " + kind + " of " + ApiGroup.API_VERSION);
            }
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file.getFileName() + " document " + (index + 1) + " (" + kind + "): "
                + e.getMessage(), e);
          }
        }
      } catch (com.fasterxml.jackson.core.JacksonException e) {
        var at = e.getLocation();
        throw new IllegalArgumentException(file.getFileName() + (at == null ? "" : " line " + at.getLineNr())
            + ": not valid YAML: " + e.getOriginalMessage(), e);
      }
    }
    return new ExampleResources(clusters, services, routes);
  }

  private static <T extends HasMetadata> T withNamespace(T resource) {
    if (resource.getMetadata() == null || resource.getMetadata().getName() == null) {
      throw new IllegalArgumentException("metadata.name is required");
    }
    if (resource.getMetadata().getNamespace() == null) {
      resource.getMetadata().setNamespace("default");
    }
    if (resource.getMetadata().getGeneration() == null) {
      resource.getMetadata().setGeneration(1L);
    }
    return resource;
  }
}
