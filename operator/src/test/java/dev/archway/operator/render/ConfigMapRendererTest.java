package dev.archway.operator.render;

import static dev.archway.operator.testing.Resources.cluster;
import static dev.archway.operator.testing.Resources.route;
import static dev.archway.operator.testing.Resources.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.model.ConfigCodec;
import dev.archway.model.ConfigException;
import dev.archway.model.ConfigManifest;
import dev.archway.model.GatewayConfig;
import dev.archway.operator.translate.Translator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConfigMapRendererTest {

  /** A config of some thousand routes with hosts that do not compress well: more than 1 MiB of JSON. */
  static GatewayConfig bigConfig() {
    GatewayCluster gc = cluster("big", "edge");
    Random random = new Random(42);
    List<ArchwayRoute> routes = new ArrayList<>();
    for (int i = 0; i < 6000; i++) {
      routes.add(route("big", "r" + i, "edge", Long.toHexString(random.nextLong()) + ".example.com",
          "/p" + Long.toHexString(random.nextLong()), "web"));
    }
    return Translator.translate(gc, routes, List.of(service("big", "web", 9001))).config();
  }

  @Test
  void aConfigOverOneMebibyteIsCompressedAndShardedAndAssemblesToTheSameDocument() {
    GatewayConfig config = bigConfig();
    String document = ConfigCodec.encode(config);
    assertThat(document.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(1024 * 1024);
    GatewayNames names = new GatewayNames("edge", "big");

    long started = System.nanoTime();
    var rendered = ConfigMapRenderer.render(names, config, new ConfigMapRenderer.Limits(512 * 1024, 64 * 1024));
    long renderMicros = (System.nanoTime() - started) / 1000;

    assertThat(rendered.manifest().getMetadata().getName()).isEqualTo("edge-config");
    assertThat(rendered.manifest().getData()).containsOnlyKeys(ConfigManifest.MANIFEST_KEY);
    assertThat(rendered.shards()).hasSizeGreaterThan(1);
    ConfigManifest manifest = ConfigManifest.decode(rendered.manifest().getData().get(ConfigManifest.MANIFEST_KEY));
    assertThat(manifest.version()).isEqualTo(config.version());
    List<byte[]> pieces = new ArrayList<>();
    for (int i = 0; i < rendered.shards().size(); i++) {
      ConfigMap shard = rendered.shards().get(i);
      assertThat(shard.getMetadata().getName()).isEqualTo("edge-config-" + config.version() + "-" + i);
      byte[] bytes = Base64.getDecoder().decode(shard.getBinaryData().get(ConfigManifest.SHARD_KEY));
      assertThat(bytes.length).isLessThanOrEqualTo(64 * 1024);
      pieces.add(bytes);
    }
    assertThat(ConfigCodec.decode(manifest.assemble(pieces)).version()).isEqualTo(config.version());
    assertThat(manifest.assemble(pieces)).isEqualTo(document);

    // with the default limits the same config also leaves the manifest, in fewer shards
    var byDefault = ConfigMapRenderer.render(names, config, ConfigMapRenderer.Limits.DEFAULT);
    assertThat(byDefault.shards()).isNotEmpty().hasSizeLessThan(rendered.shards().size());
    System.out.printf("[render] %d routes: document %d bytes, gzip %d bytes in %d shards of <= 64 KiB"
            + " (%d with the default limits); render with compression %d ms (one run, shared machine)%n",
        config.routes().size(), document.getBytes(StandardCharsets.UTF_8).length,
        pieces.stream().mapToInt(b -> b.length).sum(), rendered.shards().size(), byDefault.shards().size(),
        renderMicros / 1000);
  }

  @Test
  void aMissingOrAlteredShardIsNamedAndNothingIsAssembled() {
    GatewayConfig config = bigConfig();
    var rendered = ConfigMapRenderer.render(new GatewayNames("edge", "big"), config,
        new ConfigMapRenderer.Limits(0, 64 * 1024));
    ConfigManifest manifest = ConfigManifest.decode(rendered.manifest().getData().get(ConfigManifest.MANIFEST_KEY));
    List<byte[]> pieces = new ArrayList<>(rendered.shards().stream()
        .map(s -> Base64.getDecoder().decode(s.getBinaryData().get(ConfigManifest.SHARD_KEY))).toList());

    List<byte[]> missing = new ArrayList<>(pieces);
    missing.set(1, null);
    assertThatThrownBy(() -> manifest.assemble(missing)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("shard 1").hasMessageContaining(rendered.shards().get(1).getMetadata().getName())
        .hasMessageContaining("missing");

    List<byte[]> altered = new ArrayList<>(pieces);
    altered.get(0)[10] ^= 1;
    assertThatThrownBy(() -> manifest.assemble(altered)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("shard 0").hasMessageContaining("sha256");
  }

  @Test
  void aSmallConfigStaysInlineInTheManifest() {
    GatewayConfig config = Translator.translate(cluster("small", "edge"),
        List.of(route("small", "r", "edge", null, "/", "web")), List.of(service("small", "web", 9001))).config();
    var rendered = ConfigMapRenderer.render(new GatewayNames("edge", "small"), config, ConfigMapRenderer.Limits.DEFAULT);
    assertThat(rendered.shards()).isEmpty();
    assertThat(ConfigCodec.decode(rendered.manifest().getData().get(GatewayNames.CONFIG_KEY)).version())
        .isEqualTo(config.version());
  }
}
