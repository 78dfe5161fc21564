package dev.archway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.ArchwayService;
import dev.archway.api.v1alpha1.GatewayCluster;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed CRD YAML (crds/yaml and the chart's crds/) is exactly what the Java types
 * generate. Run with {@code -Darchway.updateGolden=true} to rewrite the committed files.
 */
class CrdYamlTest {

  static final Path ROOT = Path.of(System.getProperty("archway.repo.root", "..")).normalize();
  static final List<Path> COMMITTED = List.of(ROOT.resolve("crds/yaml"), ROOT.resolve("helm-chart/crds"));
  static final boolean UPDATE = Boolean.getBoolean("archway.updateGolden");

  static final String HEADER = "# Generated from the Java types by CrdYamlTest (fabric8 CRDGenerator); do not edit.\n";

  @TempDir static Path generatedDir;
  static Map<String, String> generated;

  @BeforeAll
  static void generate() throws IOException {
    new CRDGenerator()
        .inOutputDir(generatedDir.toFile())
        .forCRDVersions("v1")
        .customResourceClasses(GatewayCluster.class, ArchwayService.class, ArchwayRoute.class)
        .detailedGenerate();
    generated = new TreeMap<>();
    read(generatedDir).forEach((file, yaml) -> {
      CustomResourceDefinition crd = Serialization.unmarshal(yaml, CustomResourceDefinition.class);
      StandardFieldDescriptions.fill(crd);
      generated.put(file, HEADER + Serialization.asYaml(crd).replaceFirst("^---\\n", ""));
    });
    if (UPDATE) {
      for (Path dir : COMMITTED) {
        Files.createDirectories(dir);
        for (Path stale : read(dir).keySet().stream().map(dir::resolve).toList()) {
          Files.delete(stale);
        }
        for (var e : generated.entrySet()) {
          Files.writeString(dir.resolve(e.getKey()), e.getValue());
        }
      }
    }
  }

  @Test
  void committedYamlMatchesTheJavaTypes() throws IOException {
    assertThat(generated).hasSize(3);
    for (Path dir : COMMITTED) {
      assertThat(read(dir))
          .as("%s drifted from the Java types; rerun with -Darchway.updateGolden=true", dir)
          .isEqualTo(generated);
    }
  }

  @Test
  void everyKindCarriesShortNamesAndTheArchwayCategory() {
    for (String yaml : generated.values()) {
      CustomResourceDefinition crd = Serialization.unmarshal(yaml, CustomResourceDefinition.class);
      assertThat(crd.getSpec().getGroup()).isEqualTo("archway.dev");
      assertThat(crd.getSpec().getNames().getCategories()).containsExactly("archway");
      assertThat(crd.getSpec().getNames().getShortNames()).isNotEmpty();
      assertThat(crd.getSpec().getVersions().get(0).getSubresources().getStatus()).isNotNull();
    }
    assertThat(generated.keySet())
        .containsExactlyInAnyOrder(
            "gatewayclusters.archway.dev-v1.yml",
            "services.archway.dev-v1.yml",
            "routes.archway.dev-v1.yml");
  }

  @Test
  void kubectlExplainDocumentsEveryField() {
    for (var e : generated.entrySet()) {
      CustomResourceDefinition crd = Serialization.unmarshal(e.getValue(), CustomResourceDefinition.class);
      assertThat(StandardFieldDescriptions.undescribed(crd)).as("fields without a description in %s", e.getKey()).isEmpty();
    }
  }

  static Map<String, String> read(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.filter(p -> p.toString().endsWith(".yml")).toList()) {
        files.put(p.getFileName().toString(), Files.readString(p));
      }
    }
    return files;
  }
}
