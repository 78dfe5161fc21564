package dev.archway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.gateway.ApplyOutcome.Result;
import dev.archway.gateway.source.LastKnownGoodStore;
import dev.archway.model.ConfigCodec;
import dev.archway.model.GatewayConfig;
import dev.archway.model.ListenerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigApplierTest {

  static Vertx vertx;
  static HttpClient client;
  @TempDir Path dir;
  TestUpstream a;
  GatewayUnderTest gateway;
  int port;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    a = TestUpstream.start(vertx, "a");
    gateway = new GatewayUnderTest(vertx, Optional.of(new LastKnownGoodStore(dir.resolve("lkg"))));
    port = Ports.free();
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    a.close();
  }

  @Test
  void anInvalidDocumentIsRefusedNamingTheFieldAndTheRunningConfigKeepsServing() {
    GatewayConfig good = Configs.everythingTo(port, a.port());
    assertThat(gateway.apply(good).result()).isEqualTo(Result.APPLIED);

    String dangling = Configs.json(good).replace("\"service\":\"test/svc\"", "\"service\":\"test/missing\"")
        .replace("\"version\":\"" + good.version() + "\",", "");
    ApplyOutcome refused = gateway.apply(dangling);
    assertThat(refused.result()).isEqualTo(Result.REJECTED);
    assertThat(refused.message()).contains("routes[0].backends[0].service: unknown service test/missing");
    assertThat(gateway.applier.lastRejection().message()).isEqualTo(refused.message());

    assertThat(gateway.apply("{ not json").result()).isEqualTo(Result.REJECTED);
    assertThat(gateway.version()).isEqualTo(good.version());
    assertThat(Http.get(client, port, "example.com", "/").body()).isEqualTo("a");
    assertThat(gateway.registry.get("archway.config.reloads").tag("result", "rejected").counter().count())
        .isEqualTo(2.0);
  }

  @Test
  void theSameVersionIsNotAppliedTwice() {
    GatewayConfig config = Configs.everythingTo(port, a.port());
    assertThat(gateway.apply(config).result()).isEqualTo(Result.APPLIED);
    AppliedConfig first = gateway.live.current();
    // same content in another format: same version
    String yaml = "schemaVersion: 1\ncluster: test/gateway\n"
        + "listeners: [{name: http, port: " + port + ", protocol: HTTP}]\n"
        + "services: [{name: test/svc, loadBalancer: RoundRobin, targets: [{host: 127.0.0.1, port: "
        + a.port() + ", weight: 1}]}]\n"
        + "routes: [{name: test/all, rule: 0, hosts: [], matches: [{path: {type: PathPrefix, value: /}}], backends: [{service: test/svc, weight: 1}]}]\n";
    assertThat(gateway.apply(yaml)).isEqualTo(new ApplyOutcome(Result.UNCHANGED, config.version(), null));
    assertThat(gateway.live.current()).isSameAs(first);
  }

  @Test
  void listenersFollowTheConfig() throws Exception {
    int other = Ports.free();
    gateway.apply(Configs.everythingTo(port, a.port()));
    GatewayConfig moved = withListeners(Configs.everythingTo(port, a.port()),
        new ListenerConfig("alt", other, "HTTP"));
    assertThat(gateway.apply(moved).result()).isEqualTo(Result.APPLIED);
    assertThat(Http.get(client, other, "example.com", "/").body()).isEqualTo("a");
    assertThat(refusesConnections(port)).isTrue();
    assertThat(gateway.listeners.bound()).containsExactly(new ListenerConfig("alt", other, "HTTP"));
  }

  @Test
  void aListenerThatCannotBindRefusesTheWholeConfig() throws Exception {
    gateway.apply(Configs.everythingTo(port, a.port()));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int fresh = Ports.free();
      GatewayConfig clash = withListeners(Configs.everythingTo(port, a.port()),
          new ListenerConfig("http", port, "HTTP"),
          new ListenerConfig("fresh", fresh, "HTTP"),
          new ListenerConfig("taken", taken.getLocalPort(), "HTTP"));
      ApplyOutcome refused = gateway.apply(clash);
      assertThat(refused.result()).isEqualTo(Result.REJECTED);
      assertThat(refused.message()).startsWith("listeners[2].port: cannot listen on 127.0.0.1:" + taken.getLocalPort());
      assertThat(refusesConnections(fresh)).as("listener opened for the refused config is closed again").isTrue();
    }
    assertThat(Http.get(client, port, "example.com", "/").body()).isEqualTo("a");
  }

  @Test
  void everyAppliedConfigIsKeptAsLastKnownGood() throws Exception {
    Path file = dir.resolve("lkg").resolve(LastKnownGoodStore.FILE_NAME);
    GatewayConfig first = Configs.everythingTo(port, a.port());
    gateway.apply(first);
    assertThat(ConfigCodec.decode(Files.readString(file))).isEqualTo(first);
    GatewayConfig second = Configs.everythingTo(port, a.port(), a.port());
    gateway.apply(second);
    assertThat(ConfigCodec.decode(Files.readString(file)).version()).isEqualTo(second.version());
    try (var files = Files.list(file.getParent())) {
      assertThat(files).as("no temp files left behind").containsExactly(file);
    }
  }

  private static GatewayConfig withListeners(GatewayConfig config, ListenerConfig... listeners) {
    return new GatewayConfig(config.schemaVersion(), null, config.cluster(), List.of(listeners),
        config.routes(), config.services()).withContentVersion();
  }

  private static boolean refusesConnections(int port) throws Exception {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    }
  }
}
