package dev.archway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.e2e.harness.Fleet;
import dev.archway.e2e.harness.LoadGenerator;
import dev.archway.e2e.harness.ProcessCluster;
import dev.archway.e2e.harness.ScenarioReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 5: one pod of three goes away under load. Deleted (SIGTERM): the pod leaves the load
 * balancer, drains and exits, and no request fails. Killed (SIGKILL): only requests in flight
 * at the kill may fail, and none once HAProxy has taken the pod out.
 */
@ExtendWith(ScenarioReport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class PodLossE2ETest {

  static ProcessCluster cluster;
  static Fleet fleet;

  @BeforeAll
  static void start() throws Exception {
    cluster = ProcessCluster.start("pod-loss");
    fleet = Fleet.deploy(cluster, "pod-loss", 3, 18105);
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
  @Order(1)
  void sigtermOfOnePodFailsNoRequest() {
    var victim = fleet.pods().get(0);
    LoadGenerator load = fleet.load(200, Duration.ofSeconds(120));
    RollingUpgradeE2ETest.sleep(Duration.ofSeconds(2));

    cluster.pods().deletePod(victim.name());
    await().atMost(Duration.ofSeconds(60)).until(() -> !victim.process().isAlive());
    awaitThreeReadyWithout(victim.name());
    RollingUpgradeE2ETest.sleep(Duration.ofSeconds(1));
    var result = load.stop();

    ScenarioReport.record("5a SIGTERM of 1 of 3 pods", result, "pod drained and exited; replacement ready");
    assertThat(result.failures()).isEmpty();
  }

  @Test
  @Order(2)
  void sigkillOfOnePodFailsAtMostTheRequestsInFlightAndNoneOnceHaproxyNoticed() {
    var victim = fleet.pods().get(0);
    LoadGenerator load = fleet.load(200, Duration.ofSeconds(120));
    RollingUpgradeE2ETest.sleep(Duration.ofSeconds(2));

    cluster.pods().killPods(List.of(victim.name()));
    long killedAt = load.mark();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(() -> !"UP".equals(fleet.lb.serverStates().getOrDefault(victim.name(), "gone")));
    long noticedAt = load.now();
    awaitThreeReadyWithout(victim.name());
    RollingUpgradeE2ETest.sleep(Duration.ofSeconds(1));
    var result = load.stop();

    ScenarioReport.record("5b SIGKILL of 1 of 3 pods", result, String.format(
        "%d requests in flight at the kill; HAProxy out after %d ms", result.inFlightAtMarks(),
        (noticedAt - killedAt) / 1_000_000));
    assertThat(result.failed()).isLessThanOrEqualTo(result.inFlightAtMarks());
    assertThat(result.failures()).allSatisfy(f -> assertThat(f.sentNanos()).isLessThan(noticedAt));
  }

  static void awaitThreeReadyWithout(String gone) {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      var pods = fleet.pods();
      return pods.size() == 3 && pods.stream().allMatch(p -> p.ready() && !p.name().equals(gone));
    });
    fleet.awaitLoadBalancerUp(3, Duration.ofSeconds(30));
  }
}
