package dev.archway.operator.render;

import dev.archway.model.ConfigCodec;
import dev.archway.model.GatewayConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.Map;

/** Config model to the ConfigMap the gateway pods watch: a pure function. */
public final class ConfigMapRenderer {

  private ConfigMapRenderer() {}

  public static ConfigMap render(GatewayNames names, GatewayConfig config) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(names.configMap())
        .withNamespace(names.namespace())
        .withLabels(names.labels())
        .withAnnotations(Map.of(GatewayNames.CONFIG_VERSION_ANNOTATION, config.version()))
        .endMetadata()
        .withData(Map.of(GatewayNames.CONFIG_KEY, ConfigCodec.encode(config)))
        .build();
  }
}
