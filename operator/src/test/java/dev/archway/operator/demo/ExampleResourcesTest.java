package dev.archway.operator.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the demo does with the files a user edits while it runs. */
class ExampleResourcesTest {

  static final Path EXAMPLES = Path.of(System.getProperty("archway.repo.root", "..")).resolve("examples");

  @Test
  void theShippedExamplesReadAsOneClusterTwoServicesTwoRoutes() throws Exception {
    ExampleResources r = ExampleResources.read(EXAMPLES);
    assertThat(r.clusters()).extracting(c -> c.getMetadata().getName()).containsExactly("demo");
    assertThat(r.services()).hasSize(2);
    assertThat(r.routes()).hasSize(2).allSatisfy(route -> assertThat(route.getMetadata().getNamespace()).isEqualTo("default"));
  }

  @Test
  void brokenYamlIsReportedWithFileAndLine(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("routes.yaml"), "apiVersion: archway.dev/v1alpha1\nkind: Route\nmetadata: {name: x}\ngarbage: [\n");
    assertThatThrownBy(() -> ExampleResources.read(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("routes.yaml line")
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void misspeltFieldIsAnErrorNamingTheDocument(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("svc.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: other-kinds-are-skipped}
        ---
        apiVersion: archway.dev/v1alpha1
        kind: Service
        metadata: {name: web}
        spec:
          targetz: [{host: 127.0.0.1, port: 80}]
        """);
    assertThatThrownBy(() -> ExampleResources.read(dir))
        .hasMessageStartingWith("svc.yaml document 2 (Service)")
        .hasMessageContaining("targetz");
  }
}
