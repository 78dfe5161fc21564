package dev.archway.gateway;

import static dev.archway.gateway.Configs.config;
import static dev.archway.gateway.Configs.route;
import static dev.archway.gateway.Configs.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the gateway counts and times, labelled by route and service, never by path. */
class MetricsTest extends TwoUpstreamsFixture {

  @Test
  void requestsUpstreamAnswersLatencyAndReloadsAreMeasured() {
    gateway.apply(config(port, List.of(route("test/all", List.of(), List.of("/"), "test/svc")),
        List.of(service("test/svc", a.port()))));
    for (int i = 0; i < 3; i++) {
      Http.get(client, port, "example.com", "/item/" + i);
    }
    Http.get(client, port, "example.com", "/slow");

    assertThat(gateway.registry.get("archway.upstream.requests").tags("service", "test/svc", "status", "2xx")
        .counter().count()).isEqualTo(4.0);
    Timer latency = gateway.registry.get("archway.request.duration").tag("route", "test/all").timer();
    // recorded once the answer's last byte is written, which the client may see first
    await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> assertThat(latency.count()).isEqualTo(4));
    assertThat(latency.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(300);
    CountAtBucket[] buckets = latency.takeSnapshot().histogramCounts();
    assertThat(buckets).isNotEmpty();
    assertThat(buckets[buckets.length - 1].count()).isEqualTo(4.0);
    assertThat(gateway.registry.find("archway.request.duration").timers())
        .as("one series per route, not per path").hasSize(1);
    assertThat(gateway.registry.get("archway.config.reload.duration").timer().count()).isEqualTo(1);
    // upstream latency: each try until its answer's head; /slow answers 300 ms after its body
    Timer upstreamLatency = gateway.registry.get("archway.upstream.request.duration").tag("service", "test/svc")
        .timer();
    assertThat(upstreamLatency.count()).isEqualTo(4);
    assertThat(upstreamLatency.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(300);
    assertThat(upstreamLatency.takeSnapshot().histogramCounts()).isNotEmpty();
  }

  @Test
  void unmatchedRequestsAreTimedUnderNone() {
    gateway.apply(config(port, List.of(route("test/api", List.of(), List.of("/api"), "test/svc")),
        List.of(service("test/svc", a.port()))));
    Http.get(client, port, "example.com", "/nothing");
    assertThat(gateway.registry.get("archway.request.duration").tag("route", "none").timer().count()).isEqualTo(1);
  }
}
