package dev.archway.operator.testing;

import dev.archway.model.ConfigCodec;
import dev.archway.model.ConfigManifest;
import dev.archway.model.GatewayConfig;
import dev.archway.operator.render.GatewayNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Base64;
import java.util.List;

/** Reads a GatewayCluster's rendered config from the API the way a gateway pod does. */
public final class RenderedConfigs {

  private RenderedConfigs() {}

  /**
   * The config inline in the manifest ConfigMap, or assembled from the shards it names; null
   * while the manifest does not exist yet. A missing or altered shard fails like it does in a gateway.
   */
  public static GatewayConfig read(KubernetesClient client, String namespace, String cluster) {
    ConfigMap cm = client.configMaps().inNamespace(namespace).withName(cluster + "-config").get();
    if (cm == null) {
      return null;
    }
    String manifestJson = cm.getData() == null ? null : cm.getData().get(ConfigManifest.MANIFEST_KEY);
    if (manifestJson == null) {
      return ConfigCodec.decode(cm.getData().get(GatewayNames.CONFIG_KEY));
    }
    ConfigManifest manifest = ConfigManifest.decode(manifestJson);
    List<byte[]> pieces = manifest.shards().stream().map(s -> {
      ConfigMap shard = client.configMaps().inNamespace(namespace).withName(s.name()).get();
      return shard == null ? null : Base64.getDecoder().decode(shard.getBinaryData().get(ConfigManifest.SHARD_KEY));
    }).toList();
    return ConfigCodec.decode(manifest.assemble(pieces));
  }
}
