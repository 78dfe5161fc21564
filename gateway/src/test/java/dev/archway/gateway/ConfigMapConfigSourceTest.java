package dev.archway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.gateway.source.ConfigMapConfigSource;
import dev.archway.gateway.source.LastKnownGoodStore;
import dev.archway.model.ConfigCodec;
import dev.archway.model.GatewayConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigMapConfigSourceTest {

  static final String NS = "archway-test";
  static final String NAME = "demo-config";

  @TempDir Path dir;
  KubernetesMockServer api;
  KubernetesClient admin;
  Vertx vertx;
  HttpClient http;
  TestUpstream a;
  TestUpstream b;
  int port;

  @BeforeEach
  void start() throws Exception {
    api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    api.init();
    admin = api.createClient();
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
    a = TestUpstream.start(vertx, "a");
    b = TestUpstream.start(vertx, "b");
    port = Ports.free();
  }

  @AfterEach
  void stop() throws Exception {
    admin.close();
    api.destroy();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private ConfigMap configMap(GatewayConfig config) {
    return new ConfigMapBuilder().withNewMetadata().withNamespace(NS).withName(NAME).endMetadata()
        .addToData("config.json", ConfigCodec.encode(config)).build();
  }

  private ConfigMapConfigSource source(KubernetesClient client, GatewayUnderTest gateway, Duration startupTimeout) {
    return new ConfigMapConfigSource(client, NS, NAME, "config.json", startupTimeout, gateway.applier,
        Optional.of(new LastKnownGoodStore(dir)));
  }

  @Test
  void theConfigMapIsAppliedWhenCreatedAndAgainWhenUpdated() throws Exception {
    try (GatewayUnderTest gateway = new GatewayUnderTest(vertx);
        KubernetesClient client = api.createClient();
        ConfigMapConfigSource source = source(client, gateway, Duration.ofSeconds(5))) {
      // an unrelated ConfigMap in the namespace is ignored
      admin.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata()
          .withNamespace(NS).withName("other").endMetadata().addToData("config.json", "garbage").build()).create();
      source.start();

      GatewayConfig first = Configs.everythingTo(port, a.port());
      admin.configMaps().inNamespace(NS).resource(configMap(first)).create();
      await().atMost(Duration.ofSeconds(10)).until(() -> first.version().equals(gateway.version()));
      assertThat(Http.get(http, port, "example.com", "/").body()).isEqualTo("a");
      assertThat(gateway.live.current().origin()).startsWith("ConfigMap " + NS + "/" + NAME);

      GatewayConfig second = Configs.everythingTo(port, b.port());
      admin.configMaps().inNamespace(NS).resource(configMap(second)).update();
      await().atMost(Duration.ofSeconds(10)).until(() -> second.version().equals(gateway.version()));
      assertThat(Http.get(http, port, "example.com", "/").body()).isEqualTo("b");
      assertThat(gateway.applier.lastRejection()).isNull();
    }
  }

  @Test
  void theLastKnownGoodConfigIsServedWhenTheApiIsUnreachableAtStart() throws Exception {
    GatewayConfig applied = Configs.everythingTo(port, b.port());
    try (GatewayUnderTest first = new GatewayUnderTest(vertx, Optional.of(new LastKnownGoodStore(dir)));
        KubernetesClient client = api.createClient();
        ConfigMapConfigSource source = source(client, first, Duration.ofSeconds(5))) {
      admin.configMaps().inNamespace(NS).resource(configMap(applied)).create();
      source.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> applied.version().equals(first.version()));
    }
    Path file = dir.resolve(LastKnownGoodStore.FILE_NAME);
    assertThat(ConfigCodec.decode(Files.readString(file)).version()).isEqualTo(applied.version());

    // the control plane is gone: a new gateway process starts from the file
    int closed = Ports.free();
    try (GatewayUnderTest restarted = new GatewayUnderTest(vertx, Optional.of(new LastKnownGoodStore(dir)));
        KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
            .withMasterUrl("http://127.0.0.1:" + closed).withNamespace(NS).build()).build();
        ConfigMapConfigSource source = source(unreachable, restarted, Duration.ofMillis(300))) {
      source.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> applied.version().equals(restarted.version()));
      assertThat(restarted.live.current().origin()).isEqualTo("last-known-good " + file);
      assertThat(Http.get(http, port, "example.com", "/").body()).isEqualTo("b");
    }
  }
}
