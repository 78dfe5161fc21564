package dev.archway.operator.render;

import dev.archway.model.ConfigCodec;
import dev.archway.model.ConfigManifest;
import dev.archway.model.GatewayConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Config model to the ConfigMaps the gateway pods read: a pure function.
 *
 * <p>The manifest ConfigMap has a stable name ({@link GatewayNames#configMap()}) and is what the
 * gateway watches. A document up to {@link Limits#inlineBytes()} stays inline in it (key
 * {@value GatewayNames#CONFIG_KEY}); a bigger one is gzip-compressed and cut into shard
 * ConfigMaps named by cluster, content hash and index (binaryData key
 * {@value ConfigManifest#SHARD_KEY}), and the manifest (key {@value ConfigManifest#MANIFEST_KEY})
 * names each shard with its checksum. Shards are immutable and written before the manifest that
 * names them, so a pod reading a manifest finds every shard it names.
 */
public final class ConfigMapRenderer {

  private ConfigMapRenderer() {}

  /**
   * When a document is sharded and how big a shard may be. ConfigMaps are limited to 1 MiB and
   * etcd requests to about 1.5 MiB; base64 in the request adds a third to a shard.
   *
   * @param inlineBytes largest document (UTF-8 bytes) kept inline in the manifest
   * @param shardBytes largest shard (compressed bytes)
   */
  public record Limits(int inlineBytes, int shardBytes) {

    public static final Limits DEFAULT = new Limits(512 * 1024, 512 * 1024);

    public Limits {
      if (inlineBytes < 0 || shardBytes <= 0 || shardBytes > 768 * 1024) {
        throw new IllegalArgumentException("config limits: inlineBytes must be >= 0 and shardBytes in 1.."
            + 768 * 1024 + ", were " + inlineBytes + " and " + shardBytes);
      }
    }

    /**
     * From {@code ARCHWAY_CONFIG_INLINE_BYTES} and {@code ARCHWAY_CONFIG_SHARD_BYTES}, looked up
     * in system properties first, then in the environment.
     */
    public static Limits fromEnvironment(Map<String, String> env) {
      return new Limits(
          intSetting(env, "ARCHWAY_CONFIG_INLINE_BYTES", DEFAULT.inlineBytes),
          intSetting(env, "ARCHWAY_CONFIG_SHARD_BYTES", DEFAULT.shardBytes));
    }

    private static int intSetting(Map<String, String> env, String name, int fallback) {
      String value = System.getProperty(name, env.get(name));
      if (value == null || value.isBlank()) {
        return fallback;
      }
      try {
        return Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a number of bytes, was '" + value + "'", e);
      }
    }
  }

  /**
   * The ConfigMaps of one config version.
   *
   * @param version content-hash version of the document
   * @param manifest the ConfigMap the gateway watches
   * @param shards shard ConfigMaps, empty when the document is inline
   */
  public record RenderedConfig(String version, ConfigMap manifest, List<ConfigMap> shards) {

    /** Names of the shard ConfigMaps. */
    public List<String> shardNames() {
      return shards.stream().map(c -> c.getMetadata().getName()).toList();
    }
  }

  public static RenderedConfig render(GatewayNames names, GatewayConfig config, Limits limits) {
    String version = config.version();
    String document = ConfigCodec.encode(config);
    Map<String, String> annotations = Map.of(GatewayNames.CONFIG_VERSION_ANNOTATION, version);
    if (document.getBytes(StandardCharsets.UTF_8).length <= limits.inlineBytes()) {
      return new RenderedConfig(version, manifest(names, annotations, GatewayNames.CONFIG_KEY, document), List.of());
    }
    ConfigManifest.Split split =
        ConfigManifest.split(version, document, limits.shardBytes(), i -> names.configShard(version, i));
    List<ConfigMap> shards = new ArrayList<>();
    for (int i = 0; i < split.pieces().size(); i++) {
      shards.add(new ConfigMapBuilder()
          .withNewMetadata()
          .withName(split.manifest().shards().get(i).name())
          .withNamespace(names.namespace())
          .withLabels(labels(names, "shard", version))
          .withAnnotations(annotations)
          .endMetadata()
          .withImmutable(true)
          .withBinaryData(Map.of(ConfigManifest.SHARD_KEY, Base64.getEncoder().encodeToString(split.pieces().get(i))))
          .build());
    }
    ConfigMap manifest = manifest(names, annotations, ConfigManifest.MANIFEST_KEY, split.manifest().encode());
    return new RenderedConfig(version, manifest, List.copyOf(shards));
  }

  private static Map<String, String> labels(GatewayNames names, String part, String version) {
    Map<String, String> labels = new TreeMap<>(names.labels());
    labels.put(GatewayNames.CONFIG_PART_LABEL, part);
    if (version != null) {
      labels.put(GatewayNames.CONFIG_VERSION_LABEL, version);
    }
    return labels;
  }

  /** The ConfigMap gateways watch: the document itself, or the manifest naming its shards. */
  private static ConfigMap manifest(GatewayNames names, Map<String, String> annotations, String key, String value) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(names.configMap())
        .withNamespace(names.namespace())
        .withLabels(labels(names, "manifest", null))
        .withAnnotations(annotations)
        .endMetadata()
        .withData(Map.of(key, value))
        .build();
  }
}
