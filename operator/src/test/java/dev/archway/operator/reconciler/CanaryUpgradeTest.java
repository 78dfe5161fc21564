package dev.archway.operator.reconciler;

import static dev.archway.operator.testing.Resources.cluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.api.v1alpha1.CanaryAnalysisSpec;
import dev.archway.api.v1alpha1.CanaryStep;
import dev.archway.api.v1alpha1.CanaryStrategy;
import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.UpgradeStatus;
import dev.archway.api.v1alpha1.UpgradeStrategy;
import dev.archway.operator.testing.FakeGatewayPods;
import dev.archway.operator.testing.Resources;
import dev.archway.operator.testing.OperatorUnderTest;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Canary upgrades end to end on the API server: the operator scrapes pods that are real HTTP
 * servers on 127.0.0.x serving the gateway's metrics, whose counts follow how their image is
 * told to behave.
 */
class CanaryUpgradeTest {

  static final Duration LONG = Duration.ofSeconds(60);
  static KubernetesClient client;

  @RegisterExtension static final OperatorUnderTest env = new OperatorUnderTest("canary");

  @BeforeAll
  static void start() {
    client = env.client();
  }

  static String newNamespace() {
    return env.newNamespace();
  }

  /** A 3-pod cluster on gw:1 under the Canary strategy, its stable pods running. */
  static void canaryCluster(String ns, FakeGatewayPods pods, List<CanaryStep> steps, double minSuccessRate) {
    GatewayCluster gc = cluster(ns, "edge");
    gc.getSpec().setImage("gw:1");
    UpgradeStrategy upgrade = new UpgradeStrategy();
    upgrade.setStrategy(UpgradeStrategy.Strategy.Canary);
    CanaryStrategy canary = new CanaryStrategy();
    canary.setSteps(steps);
    CanaryAnalysisSpec analysis = new CanaryAnalysisSpec();
    analysis.setInterval("1s");
    analysis.setMinSuccessRate(minSuccessRate);
    analysis.setMaxP99Latency("500ms");
    analysis.setMinRequests(20);
    canary.setAnalysis(analysis);
    upgrade.setCanary(canary);
    gc.getSpec().setUpgrade(upgrade);
    client.resource(gc).create();
    await().atMost(LONG).until(() -> pods.pods("edge-gateway").size() == 3);
  }

  static void setImage(String ns, String image) {
    Resources.edit(client, GatewayCluster.class, ns, "edge", g -> {
      g.getSpec().setImage(image);
      return g;
    });
  }

  static UpgradeStatus awaitUpgrade(String ns, Predicate<UpgradeStatus> until) {
    return await().atMost(LONG).pollInterval(Duration.ofMillis(100)).until(() -> {
      GatewayCluster g = client.resources(GatewayCluster.class).inNamespace(ns).withName("edge").get();
      return g.getStatus() == null ? null : g.getStatus().getUpgrade();
    }, u -> u != null && until.test(u));
  }

  static Deployment deployment(String ns, String name) {
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }

  static String image(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  static boolean event(String ns, String reason) {
    return client.v1().events().inNamespace(ns).list().getItems().stream().anyMatch(e -> reason.equals(e.getReason()));
  }

  @Test
  void healthyCanaryIsPromotedEvenAcrossAnOperatorRestart() throws Exception {
    String ns = newNamespace();
    try (FakeGatewayPods pods = new FakeGatewayPods(client, ns)) {
      pods.behave("gw:2", new FakeGatewayPods.Behaviour(0, 20));
      canaryCluster(ns, pods, List.of(new CanaryStep(34, "3s"), new CanaryStep(100, "2s")), 0.99);

      setImage(ns, "gw:2");
      // weight 34 of 3 pods: 2 canary pods beside 1 stable pod, all behind the same selector
      UpgradeStatus first = awaitUpgrade(ns, u -> u.getStep() == 1 && u.getStepStartedAt() != null);
      assertThat(first.getPhase()).isEqualTo("Progressing");
      assertThat(first.getCanaryReplicas()).isEqualTo(2);
      assertThat(first.getStableReplicas()).isEqualTo(1);
      await().atMost(LONG).until(() -> pods.pods("edge-gateway-canary").size() == 2
          && pods.pods("edge-gateway").size() == 1);
      // three pods serve across both tracks: Ready, and Progressing because a canary runs
      GatewayCluster during = await().atMost(LONG).until(
          () -> client.resources(GatewayCluster.class).inNamespace(ns).withName("edge").get(),
          g -> g.getStatus().getReadyReplicas() == 3);
      assertThat(GatewayClusterReconcilerTest.condition(during.getStatus().getConditions(), "Ready").getStatus())
          .isEqualTo("True");
      assertThat(GatewayClusterReconcilerTest.condition(during.getStatus().getConditions(), "Progressing").getReason())
          .isEqualTo("CanaryUpgrade");
      assertThat(deployment(ns, "edge-gateway").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo("gw:1");
      assertThat(client.pods().inNamespace(ns).withLabel("archway.dev/track", "canary").list().getItems())
          .hasSize(2).allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("gw:2"));

      // an analysis passes on the canary's real counts
      UpgradeStatus judged = awaitUpgrade(ns, u -> u.getLastAnalysis() != null);
      assertThat(judged.getLastAnalysis().getVerdict()).isEqualTo("Passed");
      assertThat(judged.getLastAnalysis().getCanary().getRequests()).isGreaterThanOrEqualTo(20);
      assertThat(judged.getLastAnalysis().getCanary().getSuccessRate()).isEqualTo(1.0);
      assertThat(judged.getLastAnalysis().getCanary().getP99Millis()).isBetween(10.0, 25.0);

      // the operator stops mid-canary; a new one takes up from status and the Deployments
      env.restartOperator();

      UpgradeStatus promoted = awaitUpgrade(ns, u -> "Promoted".equals(u.getPhase()));
      assertThat(promoted.getStableImage()).isEqualTo("gw:2");
      await().atMost(LONG).until(() -> deployment(ns, "edge-gateway-canary") == null);
      Deployment stable = deployment(ns, "edge-gateway");
      assertThat(image(stable)).isEqualTo("gw:2");
      assertThat(stable.getSpec().getReplicas()).isEqualTo(3);
      await().atMost(LONG).until(() -> event(ns, "CanaryStarted") && event(ns, "CanaryStepReached")
          && event(ns, "CanaryPromoted"));
    }
  }

  @Test
  void canaryAnsweringFivexxIsRolledBackWithinItsAnalysisAndANewImageStartsAgain() throws Exception {
    String ns = newNamespace();
    try (FakeGatewayPods pods = new FakeGatewayPods(client, ns)) {
      pods.behave("gw:2", new FakeGatewayPods.Behaviour(0.3, 20));
      pods.behave("gw:3", new FakeGatewayPods.Behaviour(0, 20));
      canaryCluster(ns, pods, List.of(new CanaryStep(34, "60s"), new CanaryStep(100, "60s")), 0.99);

      setImage(ns, "gw:2");
      awaitUpgrade(ns, u -> u.getStepStartedAt() != null);
      long started = System.nanoTime();
      UpgradeStatus rolledBack = awaitUpgrade(ns, u -> "RolledBack".equals(u.getPhase()));
      // baseline scrape, then one 1 s interval: far inside the 60 s the step would hold
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      System.out.println("[canary] rolled back " + took.toMillis() + " ms after the canary step was reached"
          + " (interval 1s): " + rolledBack.getMessage());
      assertThat(took).isLessThan(Duration.ofSeconds(30));
      assertThat(rolledBack.getLastAnalysis().getVerdict()).isEqualTo("Failed");
      assertThat(rolledBack.getLastAnalysis().getCanary().getSuccessRate()).isBetween(0.6, 0.8);
      assertThat(rolledBack.getLastAnalysis().getStable().getSuccessRate()).isEqualTo(1.0);
      assertThat(rolledBack.getMessage()).contains("success rate", "below 0.9900");
      await().atMost(LONG).until(() -> deployment(ns, "edge-gateway-canary") == null
          && pods.pods("edge-gateway").size() == 3);
      assertThat(image(deployment(ns, "edge-gateway"))).isEqualTo("gw:1");
      await().atMost(LONG).until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
          .anyMatch(e -> "CanaryRolledBack".equals(e.getReason()) && "Warning".equals(e.getType())));
      // spec.image still says gw:2: it is not tried again
      GatewayCluster gc = client.resources(GatewayCluster.class).inNamespace(ns).withName("edge").get();
      assertThat(gc.getSpec().getImage()).isEqualTo("gw:2");
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .until(() -> deployment(ns, "edge-gateway-canary") == null);

      setImage(ns, "gw:3");
      UpgradeStatus again = awaitUpgrade(ns, u -> "Progressing".equals(u.getPhase()));
      assertThat(again.getCanaryImage()).isEqualTo("gw:3");
      assertThat(again.getStableImage()).isEqualTo("gw:1");
      await().atMost(LONG).until(() -> pods.pods("edge-gateway-canary").containsValue("gw:3"));
    }
  }

  @Test
  void pauseHoldsTheStepResumeGoesOnAndAbortRestoresTheStable() throws Exception {
    String ns = newNamespace();
    try (FakeGatewayPods pods = new FakeGatewayPods(client, ns)) {
      pods.behave("gw:2", new FakeGatewayPods.Behaviour(0, 20));
      canaryCluster(ns, pods, List.of(new CanaryStep(34, "1s"), new CanaryStep(67, "60s"), new CanaryStep(100, "1s")),
          0.99);
      Resources.edit(client, GatewayCluster.class, ns, "edge", g -> {
        g.getSpec().setImage("gw:2");
        g.getSpec().getUpgrade().setPaused(true);
        return g;
      });
      awaitUpgrade(ns, u -> "Paused".equals(u.getPhase()));
      await().atMost(LONG).until(() -> pods.pods("edge-gateway-canary").size() == 2);
      // the 1 s pause of step 1 would long be over: paused, the step holds
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> {
        UpgradeStatus u = client.resources(GatewayCluster.class).inNamespace(ns).withName("edge").get()
            .getStatus().getUpgrade();
        return "Paused".equals(u.getPhase()) && u.getStep() == 1;
      });

      Resources.edit(client, GatewayCluster.class, ns, "edge", g -> {
        g.getSpec().getUpgrade().setPaused(false);
        return g;
      });
      awaitUpgrade(ns, u -> "Progressing".equals(u.getPhase()) && u.getStep() == 2);
      assertThat(event(ns, "CanaryPaused")).isTrue();
      assertThat(event(ns, "CanaryResumed")).isTrue();

      Resources.edit(client, GatewayCluster.class, ns, "edge", g -> {
        g.getMetadata().getAnnotations().put("archway.dev/abort-upgrade", "true");
        return g;
      });
      UpgradeStatus aborted = awaitUpgrade(ns, u -> "Aborted".equals(u.getPhase()));
      assertThat(aborted.getMessage()).contains("abort-upgrade");
      await().atMost(LONG).until(() -> deployment(ns, "edge-gateway-canary") == null
          && pods.pods("edge-gateway").size() == 3 && pods.pods("edge-gateway").containsValue("gw:1"));
      // the annotation has done its work and is gone, so the next image change is not aborted
      await().atMost(LONG).until(() -> client.resources(GatewayCluster.class).inNamespace(ns).withName("edge").get()
          .getMetadata().getAnnotations().get("archway.dev/abort-upgrade") == null);
    }
  }
}
