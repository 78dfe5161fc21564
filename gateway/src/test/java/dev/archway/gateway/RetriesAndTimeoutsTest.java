package dev.archway.gateway;

import static dev.archway.gateway.Configs.config;
import static dev.archway.gateway.Configs.route;
import static dev.archway.gateway.Configs.targets;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.gateway.Http.Reply;
import dev.archway.model.GatewayConfig;
import dev.archway.model.ServiceConfig;
import dev.archway.model.ServiceConfig.OutlierDetection;
import dev.archway.model.ServiceConfig.RetryPolicy;
import dev.archway.model.ServiceConfig.Timeouts;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries, their budget, per-try and request timeouts, and the answer when no target is healthy. */
class RetriesAndTimeoutsTest extends TwoUpstreamsFixture {

  /** Nothing listens on port 1 and no client socket is ever given it. */
  static final int DOWN = 1;

  private GatewayConfig serving(ServiceConfig service) {
    return config(port, List.of(route("test/all", List.of(), List.of("/"), "test/svc")), List.of(service));
  }

  private static ServiceConfig svc(RetryPolicy retry, Timeouts timeouts, int... ports) {
    return new ServiceConfig("test/svc", ServiceConfig.ROUND_ROBIN, null, targets(ports), null, null, timeouts, retry);
  }

  private static RetryPolicy retry(int attempts, long perTryMillis) {
    return new RetryPolicy(attempts, perTryMillis, List.of(502, 503, 504), 100, 100);
  }

  private double retries() {
    var counter = gateway.registry.find("archway.upstream.retries").tag("service", "test/svc").counter();
    return counter == null ? 0 : counter.count();
  }

  private Reply get() {
    return Http.get(client, port, "example.com", "/");
  }

  @Test
  void aRetriableStatusIsRetriedOnTheOtherTarget() {
    a.answering(503);
    gateway.apply(serving(svc(retry(2, 0), null, a.port(), b.port())));
    for (int i = 0; i < 6; i++) {
      Reply reply = get();
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.body()).isEqualTo("b");
    }
    assertThat(a.count()).isBetween(1, 6);
    assertThat(retries()).isEqualTo(a.count());
    assertThat(gateway.registry.get("archway.upstream.requests").tags("service", "test/svc", "status", "5xx")
        .counter().count()).isEqualTo(a.count());
  }

  @Test
  void aPostIsNeverRetriedAndAPutWithABodyIsRetriedOnConnectFailures() {
    a.answering(503);
    gateway.apply(serving(svc(retry(2, 0), null, a.port())));
    Reply post = Http.send(client, HttpMethod.POST, port, "example.com", "/", Buffer.buffer("order"));
    assertThat(post.status()).isEqualTo(503);
    assertThat(a.count()).isEqualTo(1);

    a.answering(0);
    gateway.apply(serving(svc(retry(2, 0), null, DOWN, a.port())));
    for (int i = 0; i < 4; i++) {
      Reply echoed = Http.send(client, HttpMethod.PUT, port, "example.com", "/echo", Buffer.buffer("body-" + i));
      assertThat(echoed.status() + " " + echoed.body())
          .isEqualTo("200 body-" + i);
    }
    assertThat(gateway.registry.get("archway.upstream.connect.errors").tag("service", "test/svc").counter().count())
        .isEqualTo(2.0);
    assertThat(Http.send(client, HttpMethod.POST, port, "example.com", "/echo", Buffer.buffer("x")).status())
        .as("first a, then the target that is down: not retried").isIn(200, 502);
  }

  @Test
  void withoutARetryPolicyTheClientSeesTheFailure() {
    a.answering(503);
    gateway.apply(serving(svc(null, null, a.port(), b.port())));
    assertThat(List.of(get().status(), get().status())).containsExactlyInAnyOrder(200, 503);
    assertThat(retries()).isZero();
  }

  @Test
  void aSilentTargetIsLeftAfterThePerTryTimeout() {
    a.silent();
    gateway.apply(serving(svc(retry(1, 100), null, a.port(), b.port())));
    long start = System.nanoTime();
    for (int i = 0; i < 2; i++) {
      assertThat(get().body()).isEqualTo("b");
    }
    // the idle timeout (500 ms) would have answered 504 instead
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(900);
  }

  @Test
  void theRequestTimeoutCoversAllTries() {
    a.silent();
    b.silent();
    gateway.apply(serving(svc(retry(5, 100), new Timeouts(0, 250, 0), a.port(), b.port())));
    long start = System.nanoTime();
    Reply reply = get();
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(reply.status()).isEqualTo(504);
    // per-try timeouts alone would take 6 x 100 ms
    assertThat(took).isBetween(240L, 560L);
    assertThat(a.count() + b.count()).isBetween(2, 3);
  }

  @Test
  void aServiceIdleTimeoutClosesPooledConnectionsSooner() {
    gateway.apply(serving(svc(null, new Timeouts(0, 0, 1000), a.port())));
    assertThat(get().status()).isEqualTo(200);
    assertThat(a.closedConnections.get()).isZero();
    // the default keeps a pooled connection 60 s
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(8))
        .until(() -> a.closedConnections.get() == 1);
  }

  @Test
  void theBudgetStopsRetriesFromAmplifyingAnOutage() {
    a.answering(503);
    b.answering(503);
    gateway.apply(serving(svc(new RetryPolicy(3, 0, List.of(503), 0, 1), null, a.port(), b.port())));
    for (int i = 0; i < 8; i++) {
      assertThat(get().status()).isEqualTo(503);
    }
    // without a budget: 8 x 3 retries; with it: one a second (the loop may cross a second boundary)
    assertThat(retries()).isBetween(1.0, 3.0);
    assertThat(a.count() + b.count()).isEqualTo(8 + (int) retries());
  }

  @Test
  void whenEveryTargetIsEjectedTheAnswerIs503WithAShortBody() {
    a.answering(500);
    gateway.apply(serving(new ServiceConfig("test/svc", ServiceConfig.ROUND_ROBIN, null, targets(a.port()), null,
        new OutlierDetection(2, 60_000, 60_000, 100), null, null)));
    assertThat(get().status()).isEqualTo(500);
    assertThat(get().status()).isEqualTo(500);
    Reply reply = get();
    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.body()).isEqualTo("service test/svc has no healthy target\n");
    assertThat(a.count()).isEqualTo(2);
  }
}
