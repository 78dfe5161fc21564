package dev.archway.operator.render;

import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.operator.Golden;
import dev.archway.operator.OperatorSettings;
import dev.archway.operator.demo.ExampleResources;
import dev.archway.operator.translate.Translation;
import dev.archway.operator.upgrade.CanaryStateMachine;
import dev.archway.operator.translate.Translator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Properties;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** testdata/render/CASE/input/*.yaml -> CASE/output.yaml (every object the operator writes). */
class RenderGoldenTest {

  static final KubernetesSerialization YAML = new KubernetesSerialization();

  static Stream<Path> cases() throws Exception {
    return Golden.cases("render").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void renderedObjectsMatchGoldenFile(Path caseDir) throws Exception {
    ExampleResources in = Golden.input(caseDir);
    GatewayCluster cluster = in.clusters().get(0);
    Translation t = Translator.translate(cluster, in.routes(), in.services());
    var listeners = t.config().listeners();
    Path limitsFile = caseDir.resolve("limits.properties");
    ConfigMapRenderer.Limits limits = ConfigMapRenderer.Limits.DEFAULT;
    if (Files.exists(limitsFile)) {
      Properties p = new Properties();
      try (var reader = Files.newBufferedReader(limitsFile)) {
        p.load(reader);
      }
      limits = new ConfigMapRenderer.Limits(
          Integer.parseInt(p.getProperty("inlineBytes")), Integer.parseInt(p.getProperty("shardBytes")));
    }
    var config = ConfigMapRenderer.render(GatewayNames.of(cluster), t.config(), limits);
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(WorkloadRenderer.serviceAccount(cluster));
    objects.add(WorkloadRenderer.role(cluster, config.shardNames()));
    objects.add(WorkloadRenderer.roleBinding(cluster));
    objects.addAll(config.shards());
    objects.add(config.manifest());
    objects.addAll(List.of(
        WorkloadRenderer.deployment(cluster, listeners, OperatorSettings.DEFAULT_GATEWAY_IMAGE),
        WorkloadRenderer.service(cluster, listeners),
        WorkloadRenderer.podDisruptionBudget(cluster)));
    var upgrade = cluster.getSpec().getUpgrade();
    if (upgrade != null && upgrade.getStrategy() == dev.archway.api.v1alpha1.UpgradeStrategy.Strategy.Canary) {
      // the canary Deployment of the first step, on spec.image
      int replicas = CanaryStateMachine.canaryReplicas(cluster.getSpec().getReplicas(),
          upgrade.getCanary().getSteps().get(0).getWeight());
      objects.add(WorkloadRenderer.deployment(cluster, listeners, Workload.canary(cluster.getSpec().getImage(), replicas)));
    }
    String yaml = objects.stream().map(YAML::asYaml).collect(Collectors.joining());
    Golden.assertMatches(caseDir.resolve("output.yaml"), yaml);
  }
}
