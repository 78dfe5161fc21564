package dev.archway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The operator's canary analysis reads the gateway's Prometheus exposition. This test produces
 * that text with the gateway's own meters and the registry Quarkus serves on /q/metrics, and
 * keeps it as the operator's test input (operator/src/test/resources/testdata/analysis): when a
 * metric name or label changes here, this test fails until the fixture is rewritten with
 * {@code -Darchway.updateGolden=true} and the operator's analysis tests run against the new text.
 */
class CanaryMetricsFixtureTest {

  static final Path ROOT = Path.of(System.getProperty("archway.repo.root", "..")).normalize();
  static final Path DIR = ROOT.resolve("operator/src/test/resources/testdata/analysis");

  @Test
  void expositionOfAStableAndACanaryPodBeforeAndAfterAnInterval() throws Exception {
    var stable = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var stableMetrics = new GatewayMetrics(stable);
    answer(stableMetrics, "default/web", 200, 20, 1000);
    answer(stableMetrics, "none", 404, 1, 10);
    matches("stable-before.prom", stable.scrape());
    answer(stableMetrics, "default/web", 200, 20, 1000);
    answer(stableMetrics, "default/web", 503, 30, 2);
    matches("stable-after.prom", stable.scrape());

    var canary = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var canaryMetrics = new GatewayMetrics(canary);
    answer(canaryMetrics, "default/web", 200, 30, 200);
    matches("canary-before.prom", canary.scrape());
    answer(canaryMetrics, "default/web", 200, 40, 300);
    answer(canaryMetrics, "default/web", 500, 700, 100);
    matches("canary-after.prom", canary.scrape());
  }

  private static void answer(GatewayMetrics metrics, String route, int status, long millis, int times) {
    for (int i = 0; i < times; i++) {
      metrics.record(route, status);
      metrics.duration(route, millis * 1_000_000);
    }
  }

  private static void matches(String file, String text) throws Exception {
    assertThat(text).contains("archway_requests_total{", "archway_request_duration_seconds_bucket{");
    Path f = DIR.resolve(file);
    if (Boolean.getBoolean("archway.updateGolden") || !Files.exists(f)) {
      Files.createDirectories(DIR);
      Files.writeString(f, text);
      return;
    }
    // the registry lists its meters in no fixed order: compare the lines, not their order
    assertThat(text.lines().sorted().toList()).as("%s differs; rerun with -Darchway.updateGolden=true", f)
        .isEqualTo(Files.readString(f).lines().sorted().toList());
  }
}
