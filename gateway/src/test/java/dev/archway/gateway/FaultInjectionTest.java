package dev.archway.gateway;

import static dev.archway.gateway.Configs.config;
import static dev.archway.gateway.Configs.route;
import static dev.archway.gateway.Configs.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.gateway.proxy.FaultInjection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** archway.fault.*: a share of routed requests answered with an error by the gateway, counted like any answer. */
class FaultInjectionTest extends TwoUpstreamsFixture {

  @Test
  void everyRoutedRequestIsAbortedAtOneHundredPercentAndCountedAsFiveXx() {
    gateway.close();
    gateway = new GatewayUnderTest(vertx, GatewayUnderTest.OPTIONS.withFault(new FaultInjection(100, 503)));
    gateway.apply(config(port, List.of(route("test/api", List.of(), List.of("/api"), "test/svc")),
        List.of(service("test/svc", a.port()))));

    for (int i = 0; i < 5; i++) {
      assertThat(Http.get(client, port, "example.com", "/api/" + i).status()).isEqualTo(503);
    }
    assertThat(Http.get(client, port, "example.com", "/elsewhere").status())
        .as("a request no route matches is not aborted").isEqualTo(404);
    assertThat(a.count()).as("aborted requests never reach the backend").isZero();
    assertThat(gateway.registry.get("archway.requests").tags("route", "test/api", "status", "5xx")
        .counter().count()).isEqualTo(5.0);
    assertThat(gateway.registry.get("archway.request.duration").tag("route", "test/api").timer().count())
        .isEqualTo(5);
  }

  @Test
  void aboutTheConfiguredShareIsAbortedWithTheConfiguredStatus() {
    gateway.close();
    gateway = new GatewayUnderTest(vertx, GatewayUnderTest.OPTIONS.withFault(new FaultInjection(50, 500)));
    gateway.apply(config(port, List.of(route("test/all", List.of(), List.of("/"), "test/svc")),
        List.of(service("test/svc", a.port()))));

    int aborted = 0;
    for (int i = 0; i < 200; i++) {
      int status = Http.get(client, port, "example.com", "/x").status();
      assertThat(status).isIn(200, 500);
      aborted += status == 500 ? 1 : 0;
    }
    // binomial(200, 0.5): 100 +- 7 (one standard deviation); the bounds are more than 8 of them away
    assertThat(aborted).isBetween(40, 160);
    assertThat(a.count()).isEqualTo(200 - aborted);
  }

  @Test
  void offByDefault() {
    gateway.apply(config(port, List.of(route("test/all", List.of(), List.of("/"), "test/svc")),
        List.of(service("test/svc", a.port()))));
    for (int i = 0; i < 20; i++) {
      assertThat(Http.get(client, port, "example.com", "/x").status()).isEqualTo(200);
    }
  }

  @Test
  void outOfRangeSettingsAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> new FaultInjection(101, 503)).hasMessageContaining("archway.fault.abort-percent");
    assertThatThrownBy(() -> new FaultInjection(-1, 503)).hasMessageContaining("archway.fault.abort-percent");
    assertThatThrownBy(() -> new FaultInjection(10, 99)).hasMessageContaining("archway.fault.abort-status");
  }
}
