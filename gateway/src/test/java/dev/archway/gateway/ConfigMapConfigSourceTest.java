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
import dev.archway.model.ConfigManifest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
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

  /**
   * A config the size of thousands of routes (hosts that do not compress well) on top of one
   * route for every host to the given upstream: more than 1 MiB of JSON.
   */
  static GatewayConfig bigConfig(int port, int upstream) {
    Random random = new Random(7);
    List<dev.archway.model.RouteConfig> routes = new ArrayList<>();
    for (int i = 0; i < 6000; i++) {
      routes.add(Configs.route("test/r" + i, List.of(Long.toHexString(random.nextLong()) + ".example.org"),
          List.of("/" + Long.toHexString(random.nextLong())), "test/svc"));
    }
    routes.add(Configs.route("test/all", List.of(), List.of("/"), "test/svc"));
    return Configs.config(port, routes, List.of(Configs.service("test/svc", upstream)));
  }

  /**
   * The ConfigMaps the operator writes for a document too big for one: gzip shards named by
   * version and index, then the manifest under the watched name (as ConfigMapRenderer does).
   */
  static List<ConfigMap> sharded(GatewayConfig config, int shardBytes) {
    ConfigManifest.Split split = ConfigManifest.split(config.version(), ConfigCodec.encode(config), shardBytes,
        i -> NAME + "-" + config.version() + "-" + i);
    List<ConfigMap> maps = new ArrayList<>();
    for (int i = 0; i < split.pieces().size(); i++) {
      maps.add(new ConfigMapBuilder().withNewMetadata().withNamespace(NS)
          .withName(split.manifest().shards().get(i).name()).endMetadata()
          .addToBinaryData(ConfigManifest.SHARD_KEY, Base64.getEncoder().encodeToString(split.pieces().get(i)))
          .build());
    }
    maps.add(new ConfigMapBuilder().withNewMetadata().withNamespace(NS).withName(NAME).endMetadata()
        .addToData(ConfigManifest.MANIFEST_KEY, split.manifest().encode()).build());
    return maps;
  }

  @Test
  void aConfigOverOneMebibyteInShardsIsAppliedWhole() throws Exception {
    GatewayConfig big = bigConfig(port, b.port());
    assertThat(ConfigCodec.encode(big).length()).isGreaterThan(1024 * 1024);
    List<ConfigMap> maps = sharded(big, 64 * 1024);
    assertThat(maps).hasSizeGreaterThan(2);
    try (GatewayUnderTest gateway = new GatewayUnderTest(vertx);
        KubernetesClient client = api.createClient();
        ConfigMapConfigSource source = source(client, gateway, Duration.ofSeconds(5))) {
      admin.configMaps().inNamespace(NS).resource(configMap(Configs.everythingTo(port, a.port()))).create();
      source.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> gateway.version() != null);
      assertThat(Http.get(http, port, "example.com", "/").body()).isEqualTo("a");

      // shards first, the manifest last, as the operator writes them
      for (ConfigMap m : maps.subList(0, maps.size() - 1)) {
        admin.configMaps().inNamespace(NS).resource(m).create();
      }
      admin.configMaps().inNamespace(NS).resource(maps.get(maps.size() - 1)).update();

      await().atMost(Duration.ofSeconds(30)).until(() -> big.version().equals(gateway.version()));
      assertThat(gateway.live.current().config().routes()).hasSize(6001);
      assertThat(gateway.live.current().origin()).contains("with " + (maps.size() - 1) + " shards");
      assertThat(Http.get(http, port, "example.com", "/").body()).isEqualTo("b");
      assertThat(gateway.applier.lastRejection()).isNull();
    }
  }

  @Test
  void aManifestNamingAMissingShardIsNotAppliedAndTheOldConfigKeepsServingUntilTheShardAppears() throws Exception {
    GatewayConfig big = bigConfig(port, b.port());
    List<ConfigMap> maps = sharded(big, 64 * 1024);
    try (GatewayUnderTest gateway = new GatewayUnderTest(vertx);
        KubernetesClient client = api.createClient();
        ConfigMapConfigSource source = source(client, gateway, Duration.ofSeconds(5))) {
      GatewayConfig old = Configs.everythingTo(port, a.port());
      admin.configMaps().inNamespace(NS).resource(configMap(old)).create();
      source.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> old.version().equals(gateway.version()));

      // every shard but the second, then the manifest that names them all
      ConfigMap missing = maps.get(1);
      for (ConfigMap m : maps.subList(0, maps.size() - 1)) {
        if (m != missing) {
          admin.configMaps().inNamespace(NS).resource(m).create();
        }
      }
      admin.configMaps().inNamespace(NS).resource(maps.get(maps.size() - 1)).update();

      await().atMost(Duration.ofSeconds(10)).until(() -> gateway.applier.lastRejection() != null);
      assertThat(gateway.applier.lastRejection().message())
          .contains("shard 1").contains(missing.getMetadata().getName()).contains("missing");
      assertThat(gateway.version()).isEqualTo(old.version());
      assertThat(Http.get(http, port, "example.com", "/").body()).isEqualTo("a");

      // a shard that is there but altered is refused too
      byte[] wrong = Base64.getDecoder().decode(missing.getBinaryData().get(ConfigManifest.SHARD_KEY));
      wrong[wrong.length / 2] ^= 1;
      admin.configMaps().inNamespace(NS).resource(new ConfigMapBuilder(missing)
          .withBinaryData(Map.of(ConfigManifest.SHARD_KEY, Base64.getEncoder().encodeToString(wrong))).build()).create();
      await().atMost(Duration.ofSeconds(10)).until(() -> gateway.applier.lastRejection() != null
          && gateway.applier.lastRejection().message().contains("sha256"));
      assertThat(gateway.version()).isEqualTo(old.version());
      assertThat(Http.get(http, port, "example.com", "/").body()).isEqualTo("a");

      // the right shard arrives: the retry assembles the document and applies it
      admin.configMaps().inNamespace(NS).resource(missing).update();
      await().atMost(Duration.ofSeconds(30)).until(() -> big.version().equals(gateway.version()));
      assertThat(Http.get(http, port, "example.com", "/").body()).isEqualTo("b");
      assertThat(gateway.applier.lastRejection()).isNull();
    }
  }

  @Test
  void atStartAManifestWithAMissingShardServesTheLastKnownGoodConfigAndReportsTheRejection() throws Exception {
    GatewayConfig kept = Configs.everythingTo(port, a.port());
    new LastKnownGoodStore(dir).save(kept);
    GatewayConfig big = bigConfig(port, b.port());
    List<ConfigMap> maps = sharded(big, 64 * 1024);
    admin.configMaps().inNamespace(NS).resource(maps.get(maps.size() - 1)).create(); // the manifest, no shards
    try (GatewayUnderTest gateway = new GatewayUnderTest(vertx, Optional.of(new LastKnownGoodStore(dir)));
        KubernetesClient client = api.createClient();
        ConfigMapConfigSource source = source(client, gateway, Duration.ofSeconds(5))) {
      source.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> kept.version().equals(gateway.version())
          && gateway.applier.lastRejection() != null);
      assertThat(gateway.live.current().origin()).startsWith("last-known-good ");
      assertThat(gateway.applier.lastRejection().message()).contains("shard 0").contains("missing");
      assertThat(Http.get(http, port, "example.com", "/").body()).isEqualTo("a");

      for (ConfigMap m : maps.subList(0, maps.size() - 1)) {
        admin.configMaps().inNamespace(NS).resource(m).create();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> big.version().equals(gateway.version()));
      assertThat(Http.get(http, port, "example.com", "/").body()).isEqualTo("b");
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
      // the copy on disk is written just after the swap
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve(LastKnownGoodStore.FILE_NAME)));
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
