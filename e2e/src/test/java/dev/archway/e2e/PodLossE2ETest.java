package dev.archway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.e2e.harness.FleetUnderTest;
import dev.archway.e2e.harness.LoadGenerator;
import dev.archway.e2e.harness.PodController;
import dev.archway.e2e.harness.ScenarioReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 5: one pod of three goes away under load. Deleted (SIGTERM): the pod leaves the load
 * balancer, drains and exits, and no request fails. Killed (SIGKILL): no more requests fail
 * than were in flight at the kill (counting those HAProxy still sent to the dead pod before its
 * health checks took it out), and none sent once HAProxy has taken the pod out.
 */
@ExtendWith(ScenarioReport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class PodLossE2ETest {

  @RegisterExtension static final FleetUnderTest env = new FleetUnderTest("pod-loss", "pod-loss", 3, 18105);

  @Test
  @Order(1)
  void sigtermOfOnePodFailsNoRequest() {
    var victim = env.fleet().pods().get(0);
    LoadGenerator load = env.fleet().load(200, Duration.ofSeconds(120));
    RollingUpgradeE2ETest.sleep(Duration.ofSeconds(2));

    env.cluster().pods().deletePod(victim.name());
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
    var victim = env.fleet().pods().get(0);
    LoadGenerator load = env.fleet().load(200, Duration.ofSeconds(120));
    RollingUpgradeE2ETest.sleep(Duration.ofSeconds(2));

    var process = env.cluster().pods().processesOf(List.of(victim.name()));
    String server = env.fleet().lb.serverOf(victim.name());
    long pickedBefore = env.fleet().lb.selections(server);
    // the kill spans SIGKILL up to the process being gone; then HAProxy's health checks take the
    // server DOWN (or the endpoint is withdrawn, MAINT, when the kubelet sees the pod gone first)
    long killedAt = load.mark(() -> PodController.kill(process));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(() -> !env.fleet().lb.state(server).startsWith("UP"));
    long noticedAt = load.now();
    // HAProxy picks no server that is not UP: what it gave the dead pod before is all it got
    long pickedAfterKill = env.fleet().lb.selections(server) - pickedBefore;
    awaitThreeReadyWithout(victim.name());
    RollingUpgradeE2ETest.sleep(Duration.ofSeconds(1));
    var result = load.stop();

    ScenarioReport.record("5b SIGKILL of 1 of 3 pods", result, String.format(
        "%d requests in flight at the kill, %d more sent to the dead pod before HAProxy took it out"
            + " %d ms after the kill", result.inFlightAtMarks(), pickedAfterKill, (noticedAt - killedAt) / 1_000_000));
    // a request in flight at the kill, or sent to the dead pod before HAProxy noticed, may fail
    // (HAProxy answers 502, or closes the client's keep-alive connection as an idle server would);
    // redispatch saves those whose connection was refused. None may fail once HAProxy noticed.
    assertThat(result.failed()).isLessThanOrEqualTo(result.inFlightAtMarks() + pickedAfterKill);
    assertThat(result.failures()).as("failures sent after HAProxy took the pod out")
        .allSatisfy(f -> assertThat(f.onWireNanos()).isLessThan(noticedAt));
  }

  static void awaitThreeReadyWithout(String gone) {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      var pods = env.fleet().pods();
      return pods.size() == 3 && pods.stream().allMatch(p -> p.ready() && !p.name().equals(gone));
    });
    env.fleet().awaitLoadBalancerUp(3, Duration.ofSeconds(30));
  }
}
