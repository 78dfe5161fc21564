package dev.archway.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.operator.render.ConfigMapRenderer.RenderedConfig;
import dev.archway.operator.render.GatewayNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Which shards of older configs stay while version v3 is delivered. */
class ConfigDeliveryTest {

  static ConfigMap shard(String version, int i) {
    return new ConfigMapBuilder().withNewMetadata().withName("edge-config-" + version + "-" + i)
        .addToLabels(GatewayNames.CONFIG_PART_LABEL, "shard")
        .addToLabels(GatewayNames.CONFIG_VERSION_LABEL, version)
        .endMetadata().build();
  }

  static final RenderedConfig V3 = new RenderedConfig("v3", new ConfigMap(), List.of(shard("v3", 0)));

  static List<String> retained(FleetSnapshot fleet, String liveManifestVersion) {
    return ConfigDelivery.decide(V3, Stream.of(shard("v1", 0), shard("v2", 0), shard("v2", 1), shard("v3", 0)),
            fleet, liveManifestVersion)
        .retained().stream().map(c -> c.getMetadata().getName()).toList();
  }

  static PodReport runs(String version) {
    return new PodReport("p-" + version, "a", true, true, version, null, null, true);
  }

  @Test
  void shardsOfVersionsNoPodRunsAreDeleted() {
    assertThat(retained(new FleetSnapshot(List.of(runs("v3"))), "v3")).isEmpty();
  }

  @Test
  void shardsOfAVersionAPodStillRunsStay() {
    assertThat(retained(new FleetSnapshot(List.of(runs("v3"), runs("v1"))), "v3")).containsExactly("edge-config-v1-0");
  }

  @Test
  void shardsTheManifestInTheApiStillNamesStayUntilItIsReplaced() {
    // no pod runs yet, so none reports v2; a pod starting now reads the manifest, which names v2
    assertThat(retained(new FleetSnapshot(List.of()), "v2")).containsExactly("edge-config-v2-0", "edge-config-v2-1");
  }

  @Test
  void everyOldShardStaysWhileAPodHasNotToldItsVersion() {
    PodReport silent = new PodReport("p-silent", "a", true, true, null, null, "timeout", false);
    assertThat(retained(new FleetSnapshot(List.of(silent)), "v3")).hasSize(3);
  }
}
