package dev.archway.operator.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.archway.operator.upgrade.CanaryAnalysis.Outcome;
import dev.archway.operator.upgrade.CanaryAnalysis.Scrape;
import dev.archway.operator.upgrade.CanaryAnalysis.Thresholds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Judging a canary from two scrapes. The input is exposition text of the gateway's own meters
 * (written by the gateway module's CanaryMetricsFixtureTest): a stable pod that answered 1000
 * requests at 20 ms and 2 errors in the interval, and a canary pod that answered 300 at 40 ms and
 * 100 5xx at 700 ms.
 */
class CanaryAnalysisTest {

  static final Path DIR = Path.of(System.getProperty("archway.repo.root", "..")).normalize()
      .resolve("operator/src/test/resources/testdata/analysis");

  static PodMetrics fixture(String name) throws Exception {
    return PodMetrics.parse(Files.readString(DIR.resolve(name + ".prom")));
  }

  static Scrape before() throws Exception {
    return new Scrape(Map.of("canary-0", fixture("canary-before")), Map.of("stable-0", fixture("stable-before")));
  }

  static Scrape after() throws Exception {
    return new Scrape(Map.of("canary-0", fixture("canary-after")), Map.of("stable-0", fixture("stable-after")));
  }

  @Test
  void parsesRequestsErrorsAndBucketsSummedOverRoutes() throws Exception {
    PodMetrics stable = fixture("stable-after");
    assertThat(stable.requests()).isEqualTo(2012); // 2002 on default/web, 10 unmatched 404s
    assertThat(stable.serverErrors()).isEqualTo(2);
    assertThat(stable.latencyBuckets().get(0.025)).isEqualTo(2010);
    assertThat(stable.latencyBuckets().lastEntry().getKey()).isInfinite();
    assertThat(stable.latencyBuckets().lastEntry().getValue()).isEqualTo(2012);
  }

  @Test
  void readsOpenMetricsLinesWithoutTrailingCommaAndWithTimestamps() {
    PodMetrics m = PodMetrics.parse("""
        # TYPE archway_requests counter
        archway_requests_total{route="a",status="2xx"} 7.0
        archway_requests_created{route="a",status="2xx"} 1.7E9
        archway_requests_total{route="we\\"ird",status="5xx"} 3.0 1700000000000
        archway_request_duration_seconds_bucket{route="a",le="0.1"} 9.0
        archway_request_duration_seconds_bucket{route="a",le="+Inf"} 10.0
        archway_upstream_requests_total{service="s",status="5xx"} 99.0
        # EOF
        """);
    assertThat(m.requests()).isEqualTo(10);
    assertThat(m.serverErrors()).isEqualTo(3);
    assertThat(m.latencyBuckets()).containsEntry(0.1, 9.0).containsEntry(Double.POSITIVE_INFINITY, 10.0);
  }

  @Test
  void failingCanaryIsFailedOnItsSuccessRateWhileTheStableNumbersAreReportedBeside() throws Exception {
    var verdict = CanaryAnalysis.judge(before(), after(), new Thresholds(0.99, null, 50));
    assertThat(verdict.outcome()).isEqualTo(Outcome.Failed);
    assertThat(verdict.canary().requests()).isEqualTo(400);
    assertThat(verdict.canary().successRate()).isEqualTo(0.75);
    assertThat(verdict.stable().requests()).isEqualTo(1002);
    assertThat(verdict.stable().successRate()).isCloseTo(1000 / 1002.0, within(1e-9));
    assertThat(verdict.reason()).contains("success rate 0.7500 is below 0.9900", "400 requests");
  }

  @Test
  void p99IsInterpolatedInTheBucketThatHoldsTheRank() throws Exception {
    var verdict = CanaryAnalysis.judge(before(), after(), new Thresholds(0.5, 500.0, 50));
    // 300 answers in (25ms, 50ms], 100 in (500ms, 1s]: rank 396 lies 96 % into the (0.5, 1] bucket
    assertThat(verdict.canary().p99Millis()).isCloseTo(980, within(1e-6));
    // stable: 1000 answers in (10ms, 25ms], 2 in (25ms, 50ms]: rank 991.98 lies in the first
    assertThat(verdict.stable().p99Millis()).isCloseTo(10 + 15 * 991.98 / 1000, within(1e-6));
    assertThat(verdict.outcome()).isEqualTo(Outcome.Failed);
    assertThat(verdict.reason()).contains("p99 latency 980.0ms is above 500.0ms");

    assertThat(CanaryAnalysis.judge(before(), after(), new Thresholds(0.5, 1000.0, 50)).outcome())
        .isEqualTo(Outcome.Passed);
  }

  @Test
  void tooFewCanaryRequestsAreInconclusiveNotAFailure() throws Exception {
    var verdict = CanaryAnalysis.judge(before(), after(), new Thresholds(0.99, 100.0, 401));
    assertThat(verdict.outcome()).isEqualTo(Outcome.Inconclusive);
    assertThat(verdict.reason()).contains("400 requests", "401");
  }

  @Test
  void noCanaryPodReadIsInconclusiveAndSaysWhy() throws Exception {
    var verdict = CanaryAnalysis.judge(before(), new Scrape(Map.of(), after().stable()), new Thresholds(0.99, null, 0));
    assertThat(verdict.outcome()).isEqualTo(Outcome.Inconclusive);
    assertThat(verdict.reason()).contains("no canary pod", "management port");
  }

  @Test
  void healthyStableComparedWithItselfPasses() throws Exception {
    var before = new Scrape(Map.of("c", fixture("stable-before")), Map.of("s", fixture("stable-before")));
    var after = new Scrape(Map.of("c", fixture("stable-after")), Map.of("s", fixture("stable-after")));
    var verdict = CanaryAnalysis.judge(before, after, new Thresholds(0.99, 50.0, 50));
    assertThat(verdict.outcome()).isEqualTo(Outcome.Passed);
    assertThat(verdict.canary().successRate()).isCloseTo(0.998, within(0.001));
  }

  @Test
  void aPodThatRestartedOrIsNewCountsFromZero() throws Exception {
    // the canary pod restarted: its counters went back to the "before" text's values
    var restarted = new Scrape(Map.of("canary-0", fixture("canary-before")), Map.of());
    var beforeRestart = new Scrape(Map.of("canary-0", fixture("canary-after")), Map.of());
    assertThat(CanaryAnalysis.numbers(beforeRestart.canary(), restarted.canary()).requests()).isEqualTo(200);
    // a pod that was not there at the first scrape
    assertThat(CanaryAnalysis.numbers(Map.of(), Map.of("canary-1", fixture("canary-after"))).requests())
        .isEqualTo(600);
  }

  @Test
  void quantileInTheInfBucketIsTheHighestFiniteBound() {
    var buckets = new TreeMap<Double, Double>(Map.of(0.1, 1.0, 10.0, 1.0, Double.POSITIVE_INFINITY, 100.0));
    assertThat(CanaryAnalysis.quantile(0.99, buckets)).isEqualTo(10.0);
    assertThat(CanaryAnalysis.quantile(0.99, new TreeMap<>())).isNaN();
  }
}
