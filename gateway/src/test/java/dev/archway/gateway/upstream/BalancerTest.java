package dev.archway.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.model.ServiceConfig;
import dev.archway.model.ServiceConfig.HashPolicy;
import dev.archway.model.ServiceConfig.OutlierDetection;
import dev.archway.model.ServiceConfig.TargetConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BalancerTest {

  private static List<TargetConfig> targets(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> new TargetConfig("10.0.0." + i, 80, 1)).toList();
  }

  private static Upstream upstream(String algorithm, HashPolicy hash, List<TargetConfig> targets) {
    return Upstream.standalone(new ServiceConfig("ns/svc", algorithm, hash, targets, null, null, null, null));
  }

  private static Map<String, Integer> spread(Upstream upstream, int picks) {
    Map<String, Integer> hits = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      hits.merge(upstream.pick(null, null).target().host(), 1, Integer::sum);
    }
    return hits;
  }

  @Test
  void smoothRoundRobinInterleavesHeavyTargets() {
    Upstream upstream = upstream(ServiceConfig.ROUND_ROBIN, null,
        List.of(new TargetConfig("a", 1, 5), new TargetConfig("b", 1, 1), new TargetConfig("c", 1, 1)));
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      order.add(upstream.pick(null, null).target().host());
    }
    // nginx's sequence for 5:1:1, never five a's in a row
    assertThat(order).containsExactly("a", "a", "b", "a", "c", "a", "a");
  }

  @Test
  void consistentHashKeepsKeysOnTheirTargetAndAddingAFifthMovesAboutAFifth() {
    HashPolicy byUser = new HashPolicy(HashPolicy.HEADER, "x-user");
    Upstream four = upstream(ServiceConfig.CONSISTENT_HASH, byUser, targets(4));
    Upstream five = upstream(ServiceConfig.CONSISTENT_HASH, byUser, targets(5));
    int keys = 20_000;
    int moved = 0;
    Map<String, Integer> perTarget = new HashMap<>();
    for (int i = 0; i < keys; i++) {
      String key = "user-" + i;
      String before = four.pick(key, null).target().host();
      assertThat(four.pick(key, null).target().host()).isEqualTo(before);
      String after = five.pick(key, null).target().host();
      perTarget.merge(after, 1, Integer::sum);
      if (!before.equals(after)) {
        moved++;
        assertThat(after).as("a moved key goes to the new target").isEqualTo("10.0.0.5");
      }
    }
    assertThat((double) moved / keys).isBetween(0.12, 0.28);
    assertThat(perTarget.values()).allSatisfy(n -> assertThat(n).isBetween(keys / 5 / 2, keys / 5 * 2));
  }

  @Test
  void consistentHashMovesOnlyTheKeysOfAnUnhealthyTarget() {
    Upstream upstream = upstream(ServiceConfig.CONSISTENT_HASH, new HashPolicy(HashPolicy.COOKIE, "sid"), targets(4));
    Endpoint down = upstream.health().endpoints()[2];
    Map<String, String> before = new HashMap<>();
    for (int i = 0; i < 2000; i++) {
      before.put("k" + i, upstream.pick("k" + i, null).target().host());
    }
    down.checkedHealthy = false;
    before.forEach((key, host) -> {
      String now = upstream.pick(key, null).target().host();
      if (!host.equals(down.target().host())) {
        assertThat(now).isEqualTo(host);
      } else {
        assertThat(now).isNotEqualTo(host);
      }
    });
  }

  @Test
  void leastRequestPrefersTheTargetWithFewerRequestsInFlight() {
    Upstream upstream = upstream(ServiceConfig.LEAST_REQUEST, null, targets(2));
    Endpoint busy = upstream.health().endpoints()[0];
    for (int i = 0; i < 10; i++) {
      upstream.tryStarted(busy);
    }
    assertThat(spread(upstream, 200)).containsOnlyKeys("10.0.0.2");
  }

  @Test
  void leastRequestSpreadsEvenlyWhenIdle() {
    Map<String, Integer> hits = spread(upstream(ServiceConfig.LEAST_REQUEST, null, targets(3)), 3000);
    assertThat(hits.values()).allSatisfy(n -> assertThat(n).isBetween(700, 1300));
  }

  @Test
  void randomHonoursWeights() {
    Map<String, Integer> hits = spread(upstream(ServiceConfig.RANDOM, null,
        List.of(new TargetConfig("a", 1, 3), new TargetConfig("b", 1, 1))), 8000);
    assertThat(hits.get("a")).isBetween(5600, 6400);
  }

  @Test
  void everyAlgorithmPassesOverUnhealthyTargetsAndTheTargetToAvoid() {
    for (String algorithm : List.of(ServiceConfig.ROUND_ROBIN, ServiceConfig.LEAST_REQUEST, ServiceConfig.RANDOM,
        ServiceConfig.CONSISTENT_HASH)) {
      HashPolicy hash = algorithm.equals(ServiceConfig.CONSISTENT_HASH)
          ? new HashPolicy(HashPolicy.CLIENT_ADDRESS, null) : null;
      Upstream upstream = upstream(algorithm, hash, targets(3));
      Endpoint[] endpoints = upstream.health().endpoints();
      endpoints[0].checkedHealthy = false;
      for (int i = 0; i < 50; i++) {
        Endpoint picked = upstream.pick("client-" + i, endpoints[1]);
        assertThat(picked).as(algorithm).isSameAs(endpoints[2]);
      }
      endpoints[2].checkedHealthy = false;
      assertThat(upstream.pick("k", endpoints[1])).as(algorithm + ": avoid only if another is healthy")
          .isSameAs(endpoints[1]);
      endpoints[1].checkedHealthy = false;
      assertThat(upstream.pick("k", null)).as(algorithm).isNull();
    }
  }

  @Test
  void consecutiveFailuresEjectWithGrowingTimesAndNeverMoreThanTheAllowedShare() {
    Upstream upstream = Upstream.standalone(new ServiceConfig("ns/svc", ServiceConfig.ROUND_ROBIN, null, targets(4),
        null, new OutlierDetection(3, 10_000, 25_000, 50), null, null));
    Endpoint[] e = upstream.health().endpoints();
    upstream.report(e[0], 502);
    upstream.report(e[0], 0);
    assertThat(e[0].healthy()).isTrue();
    upstream.report(e[0], 503);
    assertThat(e[0].healthy()).isFalse();
    long firstEjection = e[0].ejectedUntil - System.nanoTime();
    assertThat(firstEjection).isBetween(9_000_000_000L, 10_000_000_000L);

    for (int i = 0; i < 3; i++) {
      upstream.report(e[1], 500);
    }
    assertThat(e[1].healthy()).isFalse();
    for (int i = 0; i < 3; i++) {
      upstream.report(e[2], 500);
    }
    assertThat(e[2].healthy()).as("50% of 4 targets are ejected already").isTrue();

    // back from ejection (simulated), fails again: twice the time
    e[0].ejectedUntil = System.nanoTime() - 1;
    for (int i = 0; i < 3; i++) {
      upstream.report(e[0], 500);
    }
    assertThat(e[0].ejectedUntil - System.nanoTime()).isBetween(19_000_000_000L, 20_000_000_000L);
    e[0].ejectedUntil = System.nanoTime() - 1;
    for (int i = 0; i < 3; i++) {
      upstream.report(e[0], 500);
    }
    assertThat(e[0].ejectedUntil - System.nanoTime()).as("capped").isBetween(24_000_000_000L, 25_000_000_000L);
    // a success after the ejection ended resets the backoff
    e[0].ejectedUntil = System.nanoTime() - 1;
    upstream.report(e[0], 200);
    assertThat(e[0].ejections).isZero();
    assertThat(e[0].healthy()).isTrue();
  }
}
