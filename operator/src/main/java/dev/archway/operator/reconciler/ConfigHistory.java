package dev.archway.operator.reconciler;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.operator.translate.RouteVerdict;
import dev.archway.operator.translate.Translation;
import dev.archway.operator.translate.Translator;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which Route generations each recently rendered config version of a cluster holds, so that a
 * Route is Programmed once every ready pod runs a version that holds it, even when that is not
 * the newest version. Kept in memory for the last {@value #VERSIONS} versions per cluster; after
 * an operator restart only versions rendered since are known, which delays Programmed, never
 * claims it early.
 */
final class ConfigHistory {

  static final int VERSIONS = 16;

  private final Map<ResourceID, LinkedHashMap<String, Map<String, Long>>> byCluster = new ConcurrentHashMap<>();

  /** Records the routes (key to generation) of the translation's config version. */
  void record(ResourceID cluster, Translation translation, List<ArchwayRoute> routes) {
    Map<String, Long> held = new HashMap<>();
    for (ArchwayRoute route : routes) {
      RouteVerdict verdict = translation.routes().get(Translator.key(route));
      if (verdict != null && verdict.programmable()) {
        held.put(Translator.key(route), route.getMetadata().getGeneration());
      }
    }
    var versions = byCluster.computeIfAbsent(cluster, c -> new LinkedHashMap<>());
    synchronized (versions) {
      versions.remove(translation.config().version());
      versions.put(translation.config().version(), Map.copyOf(held));
      while (versions.size() > VERSIONS) {
        versions.remove(versions.keySet().iterator().next());
      }
    }
  }

  /** Whether config {@code version} of the cluster holds this generation of the route. */
  boolean holds(ResourceID cluster, String version, ArchwayRoute route) {
    var versions = byCluster.get(cluster);
    if (versions == null || version == null) {
      return false;
    }
    synchronized (versions) {
      Map<String, Long> held = versions.get(version);
      return held != null && java.util.Objects.equals(held.get(Translator.key(route)), route.getMetadata().getGeneration());
    }
  }

  void forget(ResourceID cluster) {
    byCluster.remove(cluster);
  }
}
