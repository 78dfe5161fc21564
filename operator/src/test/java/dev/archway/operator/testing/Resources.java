package dev.archway.operator.testing;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.ArchwayService;
import dev.archway.api.v1alpha1.BackendRef;
import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.LocalObjectRef;
import dev.archway.api.v1alpha1.PathMatch;
import dev.archway.api.v1alpha1.RouteMatch;
import dev.archway.api.v1alpha1.RouteRule;
import dev.archway.api.v1alpha1.Target;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;

/** Custom resources as a user would write them, for tests. */
public final class Resources {

  private Resources() {}

  /**
   * Edits a resource the way kubectl edit does, and again on a conflict: the operator writes
   * status concurrently, which bumps resourceVersion between read and write.
   */
  public static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T edit(
      io.fabric8.kubernetes.client.KubernetesClient client, Class<T> type, String ns, String name,
      java.util.function.UnaryOperator<T> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return client.resources(type).inNamespace(ns).withName(name).edit(change);
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  public static GatewayCluster cluster(String ns, String name) {
    GatewayCluster gc = new GatewayCluster();
    gc.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    gc.getSpec().setReplicas(3);
    return gc;
  }

  public static ArchwayService service(String ns, String name, int port) {
    ArchwayService s = new ArchwayService();
    s.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    s.getSpec().setTargets(List.of(new Target("127.0.0.1", port)));
    return s;
  }

  public static ArchwayRoute route(String ns, String name, String cluster, String host, String prefix, String backend) {
    ArchwayRoute r = new ArchwayRoute();
    r.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    r.getSpec().setGatewayClusterRef(new LocalObjectRef(cluster));
    if (host != null) {
      r.getSpec().setHostnames(List.of(host));
    }
    RouteRule rule = new RouteRule();
    rule.setMatches(List.of(new RouteMatch(new PathMatch(PathMatch.PathMatchType.PathPrefix, prefix))));
    rule.setBackendRefs(List.of(new BackendRef(backend)));
    r.getSpec().setRules(List.of(rule));
    return r;
  }
}
