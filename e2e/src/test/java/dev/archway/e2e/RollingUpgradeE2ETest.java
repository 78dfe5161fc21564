package dev.archway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.e2e.harness.Fleet;
import dev.archway.e2e.harness.ProcessCluster;
import dev.archway.e2e.harness.ScenarioReport;
import dev.archway.operator.testing.Resources;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Scenario 1: a new spec.image rolls through three pods under load without one failed request. */
@ExtendWith(ScenarioReport.class)
@Timeout(300)
class RollingUpgradeE2ETest {

  static ProcessCluster cluster;
  static Fleet fleet;

  @BeforeAll
  static void start() throws Exception {
    cluster = ProcessCluster.start("rolling-upgrade");
    fleet = Fleet.deploy(cluster, "rolling", 3, 18101);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void rollingUpgradeOfThreePodsFailsNoRequest() {
    Set<String> before = fleet.pods().stream().map(p -> p.name()).collect(Collectors.toSet());
    var load = fleet.load(200, Duration.ofSeconds(150));
    sleep(Duration.ofSeconds(2));

    Resources.edit(cluster.client(), GatewayCluster.class, fleet.namespace, Fleet.CLUSTER, gc -> {
      gc.getSpec().setImage("archway/gateway:1.1.0");
      return gc;
    });
    var after = cluster.awaitRolledOut(fleet.namespace, Fleet.DEPLOYMENT, 3, Duration.ofSeconds(120));
    fleet.awaitLoadBalancerUp(3, Duration.ofSeconds(30));
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
