package dev.archway.gateway;

import static dev.archway.gateway.Configs.config;
import static dev.archway.gateway.Configs.route;
import static dev.archway.gateway.Configs.targets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.model.GatewayConfig;
import dev.archway.model.ServiceConfig;
import dev.archway.model.ServiceConfig.HealthCheck;
import dev.archway.model.ServiceConfig.OutlierDetection;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Active checks, passive ejection, and what a config reload does to that state. */
class HealthTest extends TwoUpstreamsFixture {

  private GatewayConfig serving(String prefix, ServiceConfig service) {
    return config(port, List.of(route("test/all", List.of(), List.of(prefix), "test/svc")), List.of(service));
  }

  private static ServiceConfig checked(int... ports) {
    return new ServiceConfig("test/svc", ServiceConfig.ROUND_ROBIN, null, targets(ports),
        new HealthCheck("/healthz", 40, 200, 2, 2, List.of("200-299")), null, null, null);
  }

  private static ServiceConfig ejecting(int... ports) {
    return new ServiceConfig("test/svc", ServiceConfig.ROUND_ROBIN, null, targets(ports), null,
        new OutlierDetection(1, 60_000, 60_000, 50), null, null);
  }

  private double healthy(TestUpstream upstream) {
    return gateway.registry.get("archway.upstream.target.healthy")
        .tags("service", "test/svc", "target", "127.0.0.1:" + upstream.port()).gauge().value();
  }

  private long checks(TestUpstream upstream) {
    return upstream.received.stream().filter(r -> r.uri().equals("/healthz")).count();
  }

  private String answer() {
    return Http.get(client, port, "example.com", "/").body();
  }

  @Test
  void aTargetFailingChecksGetsNoTrafficUntilItPassesAgain() {
    gateway.apply(serving("/", checked(a.port(), b.port())));
    await().atMost(Duration.ofSeconds(5)).until(() -> checks(a) >= 2 && checks(b) >= 2);
    assertThat(healthy(a)).isEqualTo(1.0);
    assertThat(a.received).allSatisfy(r -> assertThat(r.headers().get("user-agent")).isEqualTo("archway-health-check"));

    a.answering(503);
    await().atMost(Duration.ofSeconds(5)).until(() -> healthy(a) == 0.0);
    for (int i = 0; i < 4; i++) {
      assertThat(answer()).isEqualTo("b");
    }
    a.answering(0);
    await().atMost(Duration.ofSeconds(5)).until(() -> healthy(a) == 1.0);
    List<String> answers = List.of(answer(), answer());
    assertThat(answers).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void healthStateSurvivesAReloadThatKeepsTheServiceAndIsResetWhenItsTargetsChange() {
    a.answering(500);
    gateway.apply(serving("/", ejecting(a.port(), b.port())));
    List<String> first = List.of(answer(), answer());
    assertThat(first).contains("b");
    await().until(() -> healthy(a) == 0.0);

    // another route, the same service: a stays ejected
    gateway.apply(serving("/shop", ejecting(a.port(), b.port())));
    a.answering(0);
    int seenByA = a.count();
    for (int i = 0; i < 4; i++) {
      assertThat(Http.get(client, port, "example.com", "/shop").body()).isEqualTo("b");
    }
    assertThat(a.count()).isEqualTo(seenByA);
    assertThat(healthy(a)).isEqualTo(0.0);

    // the targets changed: fresh state, a serves again
    TestUpstream c = null;
    try {
      c = TestUpstream.start(vertx, "c");
      gateway.apply(serving("/shop", ejecting(a.port(), b.port(), c.port())));
      assertThat(healthy(a)).isEqualTo(1.0);
      List<String> answers = List.of(
          Http.get(client, port, "example.com", "/shop").body(),
          Http.get(client, port, "example.com", "/shop").body(),
          Http.get(client, port, "example.com", "/shop").body());
      assertThat(answers).containsExactlyInAnyOrder("a", "b", "c");
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      if (c != null) {
        try {
          c.close();
        } catch (Exception ignored) {
          // closing a test upstream
        }
      }
    }
  }

  @Test
  void routesSharingAServiceShareItsHealth() {
    a.answering(500);
    gateway.apply(config(port, List.of(
            route("test/x", List.of(), List.of("/x"), "test/svc"),
            route("test/y", List.of(), List.of("/y"), "test/svc")),
        List.of(ejecting(a.port(), b.port()))));
    for (int i = 0; i < 2; i++) {
      Http.get(client, port, "example.com", "/x");
    }
    await().until(() -> healthy(a) == 0.0);
    int seenByA = a.count();
    for (int i = 0; i < 4; i++) {
      assertThat(Http.get(client, port, "example.com", "/y").body()).isEqualTo("b");
    }
    assertThat(a.count()).isEqualTo(seenByA);
  }

  @Test
  void checksStopWhenTheServiceIsRemoved() {
    gateway.apply(serving("/", checked(a.port())));
    await().atMost(Duration.ofSeconds(5)).until(() -> checks(a) >= 2);
    gateway.apply(serving("/", ServiceConfig.of("test/svc", targets(b.port()))));
    long after = checks(a);
    await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> true);
    assertThat(checks(a)).isLessThanOrEqualTo(after + 1); // one check may have been on its way
    assertThat(gateway.registry.find("archway.upstream.target.healthy")
        .tag("target", "127.0.0.1:" + a.port()).gauge()).isNull();
  }

  @Test
  void checksKeepRunningAcrossAReloadThatKeepsTheService() {
    a.answering(503);
    gateway.apply(serving("/", checked(a.port(), b.port())));
    await().atMost(Duration.ofSeconds(5)).until(() -> healthy(a) == 0.0);
    gateway.apply(serving("/other", checked(a.port(), b.port())));
    assertThat(healthy(a)).as("not reset to healthy by the reload").isEqualTo(0.0);
    assertThat(Http.get(client, port, "example.com", "/other").body()).isEqualTo("b");
  }
}
