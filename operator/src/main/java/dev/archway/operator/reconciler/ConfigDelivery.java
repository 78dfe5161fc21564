package dev.archway.operator.reconciler;

import dev.archway.operator.render.ConfigMapRenderer.RenderedConfig;
import dev.archway.operator.render.GatewayNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The config ConfigMaps of one reconciliation: the rendered manifest and shards, and the shards
 * of older versions that must stay because a gateway pod may still need them.
 *
 * @param rendered the desired version's ConfigMaps
 * @param retained shard ConfigMaps of older versions to keep as they are
 */
record ConfigDelivery(RenderedConfig rendered, List<ConfigMap> retained) {

  private static final String KEY = ConfigDelivery.class.getName();

  /**
   * Decides which older shards stay: those of every version some pod reports running, those of
   * the version the manifest in the API still names (it is replaced only after the new shards
   * exist, and a pod starting meanwhile reads it), and, while some pod with an address has not
   * told which version it runs, all of them.
   *
   * @param liveManifestVersion the version the manifest ConfigMap names now; null: none yet
   */
  static ConfigDelivery decide(
      RenderedConfig rendered, Stream<ConfigMap> existingShards, FleetSnapshot fleet, String liveManifestVersion) {
    Set<String> keep = new HashSet<>(fleet.reportedVersions());
    if (liveManifestVersion != null) {
      keep.add(liveManifestVersion);
    }
    boolean keepAll = fleet.anyUnknown();
    Set<String> desiredNames = new HashSet<>(rendered.shardNames());
    List<ConfigMap> retained = new ArrayList<>();
    existingShards
        .filter(c -> !desiredNames.contains(c.getMetadata().getName()))
        .filter(c -> keepAll || keep.contains(version(c)))
        .forEach(retained::add);
    retained.sort((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()));
    return new ConfigDelivery(rendered, List.copyOf(retained));
  }

  /** Every shard ConfigMap a gateway pod may read: the desired version's and the retained ones. */
  List<String> readableShardNames() {
    List<String> names = new ArrayList<>(rendered.shardNames());
    retained.forEach(c -> names.add(c.getMetadata().getName()));
    return names;
  }

  static boolean isShard(ConfigMap c) {
    Map<String, String> labels = c.getMetadata().getLabels();
    return labels != null && "shard".equals(labels.get(GatewayNames.CONFIG_PART_LABEL));
  }

  static String version(ConfigMap c) {
    Map<String, String> labels = c.getMetadata().getLabels();
    return labels == null ? null : labels.get(GatewayNames.CONFIG_VERSION_LABEL);
  }

  void putInto(Context<?> context) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, this);
  }

  static ConfigDelivery of(Context<?> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, ConfigDelivery.class);
  }
}
