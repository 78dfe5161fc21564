package dev.archway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.e2e.harness.Fleet;
import dev.archway.e2e.harness.FleetUnderTest;
import dev.archway.e2e.harness.HttpProbe;
import dev.archway.e2e.harness.LoadGenerator;
import dev.archway.e2e.harness.ScenarioReport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 6: the API server and the operator stop while load runs; every request is still
 * served, and a gateway whose container restarts during the outage comes back from its
 * last-known-good config. The outage lasts {@code -Darchway.e2e.outage} (ISO-8601, default
 * PT30S; PT2M is the full variant of the issue).
 */
@ExtendWith(ScenarioReport.class)
@Timeout(900)
class ControlPlaneOutageE2ETest {

  static final Duration OUTAGE = Duration.parse(System.getProperty("archway.e2e.outage", "PT30S"));

  @RegisterExtension static final FleetUnderTest env = new FleetUnderTest("control-plane-outage", "outage", 3, 18106);

  @Test
  void everyRequestIsServedWhileTheControlPlaneIsDownAndARestartedPodUsesItsLastKnownGoodConfig() throws Exception {
    var restarted = env.fleet().pods().get(0);
    LoadGenerator load = env.fleet().load(200, OUTAGE.plusSeconds(60));
    RollingUpgradeE2ETest.sleep(Duration.ofSeconds(3));

    env.cluster().stopControlPlane();
    long down = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).until(() -> !env.cluster().pods().apiReachable());
    RollingUpgradeE2ETest.sleep(OUTAGE.dividedBy(3));

    env.cluster().pods().restartContainer(restarted.name(), true);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> "UP".equals(env.fleet().lb.serverStates().get(restarted.name())));
    long backAfter = System.nanoTime() - down;
    assertThat(restarted.process().output()).anyMatch(l -> l.contains("applied config") && l.contains("from last-known-good"));
    try (var probe = new HttpProbe(env.fleet().vertx)) {
      assertThat(probe.status(restarted.ip(), Fleet.LISTENER_PORT, Fleet.HOST, "/direct")).isEqualTo(200);
    }
    long left = OUTAGE.toNanos() - (System.nanoTime() - down);
    RollingUpgradeE2ETest.sleep(Duration.ofNanos(Math.max(0, left)));
    var result = load.stop();

    ScenarioReport.record("6 API server + operator down " + OUTAGE.toSeconds() + " s", result, String.format(
        "a pod restarted during the outage served its last-known-good config %.1f s into it",
        backAfter / 1e9));
    assertThat(result.failures()).isEmpty();
  }
}
