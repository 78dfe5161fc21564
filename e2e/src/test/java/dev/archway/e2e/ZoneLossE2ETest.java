package dev.archway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.e2e.harness.FleetUnderTest;
import dev.archway.e2e.harness.LoadGenerator;
import dev.archway.e2e.harness.PodController;
import dev.archway.e2e.harness.ScenarioReport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 7: six pods over zones a, b and c; zone c is lost (both its pods killed at once, its
 * node takes no new pods) while a minute of load runs. Under 0.1 % of requests fail, and none
 * later than 5 s after the loss; the replacements start in zones a and b.
 */
@ExtendWith(ScenarioReport.class)
@Timeout(300)
class ZoneLossE2ETest {

  @RegisterExtension static final FleetUnderTest env = new FleetUnderTest("zone-loss", "zone-loss", 6, 18107);

  @Test
  void losingOneZoneFailsUnderOneInAThousandAndNothingAfterFiveSeconds() {
    var inZoneC = env.fleet().pods().stream().filter(p -> p.zone().equals("c")).map(p -> p.name()).toList();
    assertThat(inZoneC).as("pods spread two per zone").hasSize(2);
    // the error ratio is over one minute of load at 200 requests/s, the zone lost 10 s in
    LoadGenerator load = env.fleet().load(200, Duration.ofSeconds(60));
    RollingUpgradeE2ETest.sleep(Duration.ofSeconds(10));

    env.cluster().pods().cordonZone("c");
    var processes = env.cluster().pods().processesOf(inZoneC);
    long lostAt = load.mark(() -> PodController.kill(processes));
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      var pods = env.fleet().pods();
      return pods.size() == 6 && pods.stream().allMatch(p -> p.ready() && !p.zone().equals("c"));
    });
    env.fleet().awaitLoadBalancerUp(6, Duration.ofSeconds(30));
    var result = load.awaitResult();

    long lastFailure = result.failures().stream().mapToLong(f -> f.endedNanos() - lostAt).max().orElse(0);
    ScenarioReport.record("7 zone loss (2 of 6 pods)", result, String.format(
        "%.3f %% failed, %d requests in flight at the loss; last failure ended %d ms %s it",
        result.failedPercent(), result.inFlightAtMarks(), Math.abs(lastFailure) / 1_000_000,
        lastFailure < 0 ? "before the kill returned, while the pods died" : "after"));
    assertThat(result.sent()).isGreaterThan(10_000);
    assertThat(result.failedPercent()).isLessThan(0.1);
    assertThat(result.failures()).as("failures sent more than 5 s after the loss")
        .allSatisfy(f -> assertThat(f.onWireNanos()).isLessThan(lostAt + 5_000_000_000L));
  }
}
