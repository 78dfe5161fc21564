package dev.archway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.BackendRef;
import dev.archway.api.v1alpha1.PathMatch;
import dev.archway.api.v1alpha1.RouteMatch;
import dev.archway.api.v1alpha1.RouteRule;
import dev.archway.e2e.harness.Fleet;
import dev.archway.e2e.harness.FleetUnderTest;
import dev.archway.e2e.harness.HttpProbe;
import dev.archway.e2e.harness.LoadGenerator;
import dev.archway.e2e.harness.ScenarioReport;
import dev.archway.operator.testing.Resources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 4: 100 cycles of route changes under load. Each cycle adds a Route, moves it to a new
 * path, reverses the rule order of the stable Route and deletes the new Route. The stable route
 * never answers other than 2xx; every new path goes from 404 to 200 on every pod without a 5xx
 * (probed on each pod and through HAProxy); the time from the API write until every pod serves
 * the change is the propagation time, printed as p50 and p99.
 */
@ExtendWith(ScenarioReport.class)
@Timeout(600)
class RouteChurnE2ETest {

  static final int CYCLES = Integer.getInteger("archway.e2e.routeCycles", 100);
  static final String CHURN_HOST = "churn.example.com";

  @RegisterExtension static final FleetUnderTest env = new FleetUnderTest("route-churn", "churn", 3, 18104);

  @Test
  void routeChangesNeverFailStableRoutesAndNewRoutesGoFrom404To200WithoutA5xx() {
    var client = env.cluster().client();
    String ns = env.fleet().namespace;
    // the stable route gets a second rule, so that its rules can be reordered
    Resources.edit(client, ArchwayRoute.class, ns, "stable", r -> {
      r.getSpec().setRules(new ArrayList<>(List.of(r.getSpec().getRules().get(0), rule("/other"))));
      return r;
    });
    List<String> pods = env.fleet().pods().stream().map(p -> p.ip()).toList();
    LoadGenerator load = env.fleet().load(200, Duration.ofSeconds(540));
    List<Long> propagation = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    try (HttpProbe probe = new HttpProbe(env.fleet().vertx)) {
      for (int i = 0; i < CYCLES; i++) {
        String name = "churn-" + i;
        String path = "/c" + i;
        long t = System.nanoTime();
        client.resource(Resources.route(ns, name, Fleet.CLUSTER, CHURN_HOST, path, "echo")).create();
        propagation.add(awaitServedEverywhere(probe, pods, path + "/x", t, violations));

        t = System.nanoTime();
        Resources.edit(client, ArchwayRoute.class, ns, name, r -> {
          r.getSpec().getRules().get(0).getMatches().get(0).getPath().setValue(path + "-v2");
          return r;
        });
        propagation.add(awaitServedEverywhere(probe, pods, path + "-v2/x", t, violations));

        Resources.edit(client, ArchwayRoute.class, ns, "stable", r -> {
          Collections.reverse(r.getSpec().getRules());
          return r;
        });
        client.resources(ArchwayRoute.class).inNamespace(ns).withName(name).delete();
      }
    }
    var result = load.stop();

    Collections.sort(propagation);
    long p50 = propagation.get(propagation.size() / 2) / 1_000_000;
    long p99 = propagation.get((int) Math.ceil(propagation.size() * 0.99) - 1) / 1_000_000;
    System.out.printf("[e2e] route propagation to every pod over %d changes: p50 %d ms, p99 %d ms, max %d ms%n",
        propagation.size(), p50, p99, propagation.get(propagation.size() - 1) / 1_000_000);
    ScenarioReport.record(CYCLES + " route add/modify/reorder cycles", result, String.format(
        "propagation to every pod p50 %d ms, p99 %d ms; new routes 404 then 200, %d 5xx", p50, p99, violations.size()));
    assertThat(violations).isEmpty();
    assertThat(result.failures()).isEmpty();
  }

  static RouteRule rule(String prefix) {
    RouteRule rule = new RouteRule();
    rule.setMatches(List.of(new RouteMatch(new PathMatch(PathMatch.PathMatchType.PathPrefix, prefix))));
    rule.setBackendRefs(List.of(new BackendRef("echo")));
    return rule;
  }

  /**
   * Polls the path on every pod and through HAProxy until every pod answers 200; a pod may answer
   * 404 before, nothing else, and never 404 again once it answered 200. Returns nanoseconds since
   * {@code written}.
   */
  static long awaitServedEverywhere(HttpProbe probe, List<String> pods, String path, long written, List<String> violations) {
    boolean[] served = new boolean[pods.size()];
    long deadline = written + Duration.ofSeconds(30).toNanos();
    while (true) {
      boolean all = true;
      for (int i = 0; i < pods.size(); i++) {
        int status = probe.status(pods.get(i), Fleet.LISTENER_PORT, CHURN_HOST, path);
        if (status == 200) {
          served[i] = true;
        } else if (status != 404 || served[i]) {
          violations.add(path + " on " + pods.get(i) + ": " + status + (served[i] ? " after 200" : ""));
        }
        all &= served[i];
      }
      long elapsed = System.nanoTime() - written;
      int viaLb = probe.status("127.0.0.1", env.fleet().lb.port(), CHURN_HOST, path);
      if (viaLb != 200 && viaLb != 404) {
        violations.add(path + " through HAProxy: " + viaLb);
      }
      if (all) {
        return elapsed;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(path + " not served by every pod 30 s after the write");
      }
    }
  }
}
