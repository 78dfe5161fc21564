package dev.archway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.e2e.harness.Fleet;
import dev.archway.e2e.harness.FleetUnderTest;
import dev.archway.e2e.harness.ScenarioReport;
import dev.archway.operator.testing.Resources;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Scenario 1: a new spec.image rolls through three pods under load without one failed request. */
@ExtendWith(ScenarioReport.class)
@Timeout(300)
class RollingUpgradeE2ETest {

  @RegisterExtension static final FleetUnderTest env = new FleetUnderTest("rolling-upgrade", "rolling", 3, 18101);

  @Test
  void rollingUpgradeOfThreePodsFailsNoRequest() {
    Set<String> before = env.fleet().pods().stream().map(p -> p.name()).collect(Collectors.toSet());
    var load = env.fleet().load(200, Duration.ofSeconds(150));
    sleep(Duration.ofSeconds(2));

    Resources.edit(env.cluster().client(), GatewayCluster.class, env.fleet().namespace, Fleet.CLUSTER, gc -> {
      gc.getSpec().setImage("archway/gateway:1.1.0");
      return gc;
    });
    var after = env.cluster().awaitRolledOut(env.fleet().namespace, Fleet.DEPLOYMENT, 3, Duration.ofSeconds(120));
    env.fleet().awaitLoadBalancerUp(3, Duration.ofSeconds(30));
    sleep(Duration.ofSeconds(2));
    var result = load.stop();

    ScenarioReport.record("1 rolling upgrade, 3 pods", result, "maxSurge 1, maxUnavailable 0");
    assertThat(after).extracting(p -> p.name()).doesNotContainAnyElementsOf(before);
    assertThat(result.sent()).isGreaterThan(1000);
    assertThat(result.failures()).isEmpty();
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
