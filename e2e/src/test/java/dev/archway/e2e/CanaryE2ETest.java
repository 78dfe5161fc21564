package dev.archway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.v1alpha1.CanaryAnalysisSpec;
import dev.archway.api.v1alpha1.CanaryStep;
import dev.archway.api.v1alpha1.CanaryStrategy;
import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.UpgradeStatus;
import dev.archway.api.v1alpha1.UpgradeStrategy;
import dev.archway.e2e.harness.Fleet;
import dev.archway.e2e.harness.LoadGenerator;
import dev.archway.e2e.harness.ProcessCluster;
import dev.archway.e2e.harness.ScenarioReport;
import dev.archway.operator.testing.Resources;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenarios 2 and 3: canary upgrades of three pods under load, through HAProxy in front of the
 * Kubernetes Service that selects the pods of both tracks (stable {@code edge-gateway} and canary
 * {@code edge-gateway-canary}). A good image is promoted without one failed request; a bad image
 * (the gateway's own fault injection answers every routed request 503) is rolled back by the
 * operator's analysis of the pods' metrics, and only the canary's share of requests fails.
 */
@ExtendWith(ScenarioReport.class)
@Timeout(value = 280, unit = TimeUnit.SECONDS)
class CanaryE2ETest {

  static final String STABLE_IMAGE = "archway/gateway:1.0.0";
  static final String CANARY = Fleet.DEPLOYMENT + "-canary";

  ProcessCluster cluster;
  Fleet fleet;

  @AfterEach
  void stop() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
    if (cluster != null) {
      cluster.close(); // every pod process and HAProxy stopped by PID
    }
  }

  @Test
  void goodCanaryIsPromotedWithoutAFailedRequest() throws Exception {
    start("canary-promotion", 18111);
    var load = fleet.load(200, Duration.ofSeconds(170));
    var rotation = Rotation.sample(fleet, load);
    sleep(Duration.ofSeconds(2));

    setImage("archway/gateway:1.1.0");
    UpgradeStatus promoted = awaitUpgrade(Duration.ofSeconds(160), u -> "Promoted".equals(u.getPhase()));
    cluster.awaitRolledOut(fleet.namespace, Fleet.DEPLOYMENT, 3, Duration.ofSeconds(30));
    fleet.awaitLoadBalancerUp(3, Duration.ofSeconds(30));
    sleep(Duration.ofSeconds(2));
    var result = load.stop();
    rotation.stop();

    ScenarioReport.record("2 canary promotion, 3 pods", result,
        "steps 33 % / 66 %, analysis every 5 s; both tracks in HAProxy for " + rotation.bothTracksSeconds() + " s");
    assertThat(rotation.maxCanaryUp()).as("canary pods served in HAProxy's rotation").isGreaterThanOrEqualTo(2);
    assertThat(rotation.bothTracksSeconds()).as("stable and canary pods served side by side").isGreaterThan(5);
    assertThat(promoted.getStableImage()).isEqualTo("archway/gateway:1.1.0");
    assertThat(image(deployment(Fleet.DEPLOYMENT))).isEqualTo("archway/gateway:1.1.0");
    assertThat(deployment(CANARY)).as("canary Deployment removed").isNull();
    assertThat(fleet.pods()).hasSize(3).allMatch(p -> p.deployment().equals(Fleet.DEPLOYMENT));
    assertThat(result.sent()).isGreaterThan(3000);
    assertThat(result.failures()).isEmpty();
  }

  @Test
  void badCanaryIsRolledBackAndOnlyItsShareFails() throws Exception {
    start("canary-rollback", 18112);
    String bad = "archway/gateway:1.1.0-bad";
    // the bad version: the gateway's fault injection answers every routed request 503, counted in
    // its own request metrics, which the operator's analysis reads
    cluster.launcher().imageEnv(bad, Map.of("ARCHWAY_FAULT_ABORT_PERCENT", "100", "ARCHWAY_FAULT_ABORT_STATUS", "503"));
    var load = fleet.load(200, Duration.ofSeconds(150));
    var rotation = Rotation.sample(fleet, load);
    sleep(Duration.ofSeconds(2));

    setImage(bad);
    long canaryReady = Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
        .until(() -> cluster.pods().pods(p -> p.deployment().equals(CANARY) && p.ready()).isEmpty() ? null : System.nanoTime(),
            t -> t != null);
    UpgradeStatus rolledBack = awaitUpgrade(Duration.ofSeconds(90), u -> "RolledBack".equals(u.getPhase()));
    double secondsToRollback = (System.nanoTime() - canaryReady) / 1e9;
    System.out.printf("[e2e] canary pod ready -> status RolledBack: %.1f s (%s)%n", secondsToRollback,
        rolledBack.getMessage());
    cluster.awaitRolledOut(fleet.namespace, Fleet.DEPLOYMENT, 3, Duration.ofSeconds(60));
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> fleet.lb.serverStates().keySet().stream().noneMatch(Rotation::isCanary));
    fleet.awaitLoadBalancerUp(3, Duration.ofSeconds(30));
    long canaryGone = load.now();
    sleep(Duration.ofSeconds(5));
    var result = load.stop();
    rotation.stop();

    Rotation.Share share = rotation.share(result.failures());
    ScenarioReport.record("3 canary of a 5xx version, 3 pods", result, String.format(
        "rolled back %.1f s after the canary pod was ready; %d of %d requests sent while canary pods were in"
            + " HAProxy failed, %.0f expected from the canary's pod share", secondsToRollback, share.failedInWindows(),
        share.sentInWindows(), share.expectedFailures()));
    System.out.printf("[e2e] canary windows: %s; failures %d inside, %d outside%n", rotation.windows(),
        share.failedInWindows(), share.failedOutside());

    assertThat(secondsToRollback).as("rolled back within 60 s of the canary pod becoming ready").isLessThan(60);
    assertThat(rolledBack.getStableImage()).isEqualTo(STABLE_IMAGE);
    assertThat(rolledBack.getLastAnalysis().getVerdict()).isEqualTo("Failed");
    assertThat(cluster.client().v1().events().inNamespace(fleet.namespace).list().getItems())
        .anyMatch(e -> "CanaryRolledBack".equals(e.getReason()) && "Warning".equals(e.getType()));
    assertThat(deployment(CANARY)).as("canary Deployment removed").isNull();
    assertThat(image(deployment(Fleet.DEPLOYMENT))).isEqualTo(STABLE_IMAGE);

    assertThat(result.failures()).as("the bad canary failed requests").isNotEmpty()
        .allMatch(f -> f.reason().equals("HTTP 503"), "only the canary's injected 503s, no connection errors");
    assertThat(share.failedOutside()).as("failures only while canary pods were in rotation").isZero();
    // HAProxy's round robin gives each server an equal turn: the failures are the canary's pod share
    // of the requests; a quarter more plus 30 covers the sampling granularity (100 ms) of the rotation
    assertThat((double) share.failedInWindows()).isLessThanOrEqualTo(share.expectedFailures() * 1.25 + 30)
        .isGreaterThanOrEqualTo(share.expectedFailures() * 0.5);
    assertThat(result.failures()).as("no failure after the canary left the rotation")
        .allMatch(f -> f.onWireNanos() <= canaryGone);
  }

  void start(String name, int lbPort) throws Exception {
    cluster = ProcessCluster.start(name);
    fleet = Fleet.deploy(cluster, name, 3, lbPort);
    // the strategy alone changes no pod template: the running pods stay
    Resources.edit(cluster.client(), GatewayCluster.class, fleet.namespace, Fleet.CLUSTER, gc -> {
      gc.getSpec().setUpgrade(canaryUpgrade());
      return gc;
    });
  }

  /** The canary strategy of scenarios 2 and 3: steps 33 % and 66 %, analysis every 5 s. */
  static UpgradeStrategy canaryUpgrade() {
    UpgradeStrategy upgrade = new UpgradeStrategy();
    upgrade.setStrategy(UpgradeStrategy.Strategy.Canary);
    CanaryStrategy canary = new CanaryStrategy();
    canary.setSteps(List.of(new CanaryStep(33, "5s"), new CanaryStep(66, "5s")));
    CanaryAnalysisSpec analysis = new CanaryAnalysisSpec();
    analysis.setInterval("5s");
    analysis.setMinSuccessRate(0.99);
    analysis.setMinRequests(20);
    canary.setAnalysis(analysis);
    upgrade.setCanary(canary);
    return upgrade;
  }

  void setImage(String image) {
    Resources.edit(cluster.client(), GatewayCluster.class, fleet.namespace, Fleet.CLUSTER, gc -> {
      gc.getSpec().setImage(image);
      return gc;
    });
  }

  UpgradeStatus awaitUpgrade(Duration timeout, Predicate<UpgradeStatus> until) {
    return Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
      GatewayCluster g = cluster.client().resources(GatewayCluster.class).inNamespace(fleet.namespace)
          .withName(Fleet.CLUSTER).get();
      return g == null || g.getStatus() == null ? null : g.getStatus().getUpgrade();
    }, u -> u != null && until.test(u));
  }

  Deployment deployment(String name) {
    return cluster.client().apps().deployments().inNamespace(fleet.namespace).withName(name).get();
  }

  static String image(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  /**
   * HAProxy's rotation sampled every 100 ms while load runs: which servers are UP, by track, and
   * how many requests the load generator had sent at that moment.
   */
  static final class Rotation {

    record Sample(long nanos, long sent, int stableUp, int canaryUp) {}

    /** Requests and failures of the windows in which canary pods were in rotation. */
    record Share(long sentInWindows, long failedInWindows, long failedOutside, double expectedFailures) {}

    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private Rotation(Fleet fleet, LoadGenerator load) {
      thread = new Thread(() -> {
        while (running) {
          long sent = load.sent();
          long at = load.now();
          var states = fleet.lb.serverStates();
          int canary = 0;
          int stable = 0;
          for (var e : states.entrySet()) {
            if (e.getValue().startsWith("UP")) {
              if (isCanary(e.getKey())) {
                canary++;
              } else {
                stable++;
              }
            }
          }
          synchronized (samples) {
            samples.add(new Sample(at, sent, stable, canary));
          }
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "rotation-sampler");
      thread.setDaemon(true);
    }

    static Rotation sample(Fleet fleet, LoadGenerator load) throws InterruptedException {
      Thread.sleep(200); // the load generator's clock starts on its context
      Rotation r = new Rotation(fleet, load);
      r.thread.start();
      return r;
    }

    static boolean isCanary(String podName) {
      return podName.startsWith(CANARY + "-");
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(5000);
    }

    List<Sample> samples() {
      synchronized (samples) {
        return List.copyOf(samples);
      }
    }

    int maxCanaryUp() {
      return samples().stream().mapToInt(Sample::canaryUp).max().orElse(0);
    }

    long bothTracksSeconds() {
      List<Sample> s = samples();
      long nanos = 0;
      for (int i = 0; i + 1 < s.size(); i++) {
        if (s.get(i).canaryUp() > 0 && s.get(i).stableUp() > 0) {
          nanos += s.get(i + 1).nanos() - s.get(i).nanos();
        }
      }
      return TimeUnit.NANOSECONDS.toSeconds(nanos);
    }

    /** The spans [from, to] (ms since the load began) in which canary pods were UP in HAProxy. */
    List<long[]> windowsNanos() {
      List<Sample> s = samples();
      List<long[]> windows = new ArrayList<>();
      long[] open = null;
      for (int i = 0; i < s.size(); i++) {
        boolean in = s.get(i).canaryUp() > 0;
        if (in && open == null) {
          // up since some time after the previous sample
          open = new long[] {i == 0 ? s.get(i).nanos() : s.get(i - 1).nanos(), -1};
        } else if (!in && open != null) {
          open[1] = s.get(i).nanos();
          windows.add(open);
          open = null;
        }
      }
      if (open != null) {
        open[1] = Long.MAX_VALUE;
        windows.add(open);
      }
      return windows;
    }

    String windows() {
      return windowsNanos().stream().map(w -> String.format("%.1f..%.1f s", w[0] / 1e9,
          w[1] == Long.MAX_VALUE ? Double.NaN : w[1] / 1e9)).toList().toString();
    }

    /**
     * Failures inside and outside the canary windows (with 0.5 s of slack either side, for
     * requests in flight while HAProxy changes a server's state), and the failures expected if
     * every request a canary pod got failed: per sampling interval, the requests sent times the
     * canary's share of the servers UP.
     */
    Share share(List<LoadGenerator.Failure> failures) {
      long slack = TimeUnit.MILLISECONDS.toNanos(500);
      List<long[]> windows = windowsNanos();
      Predicate<Long> inWindow = t -> windows.stream().anyMatch(w -> t >= w[0] - slack && t <= w[1] + slack);
      long inside = failures.stream().filter(f -> inWindow.test(f.onWireNanos())).count();
      List<Sample> s = samples();
      double expected = 0;
      long sentIn = 0;
      for (int i = 0; i + 1 < s.size(); i++) {
        Sample a = s.get(i);
        if (a.canaryUp() > 0) {
          long sent = s.get(i + 1).sent() - a.sent();
          sentIn += sent;
          expected += sent * (double) a.canaryUp() / (a.canaryUp() + a.stableUp());
        }
      }
      return new Share(sentIn, inside, failures.size() - inside, expected);
    }
  }
}
