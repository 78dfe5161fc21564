package dev.archway.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.ArchwayService;
import dev.archway.api.v1alpha1.BackendRef;
import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.LocalObjectRef;
import dev.archway.api.v1alpha1.PathMatch;
import dev.archway.api.v1alpha1.RouteMatch;
import dev.archway.api.v1alpha1.RouteRule;
import dev.archway.api.v1alpha1.Target;
import dev.archway.model.ConfigCodec;
import dev.archway.model.GatewayConfig;
import dev.archway.operator.ArchwayOperator;
import dev.archway.operator.OperatorSettings;
import static dev.archway.operator.testing.Resources.cluster;
import static dev.archway.operator.testing.Resources.route;
import static dev.archway.operator.testing.Resources.service;

import dev.archway.operator.testing.OwnedObjects;
import dev.archway.operator.testing.Resources;
import dev.archway.operator.testing.TestApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator against an API server: what a user sees after kubectl apply. */
class GatewayClusterReconcilerTest {

  static final Path ROOT = Path.of(System.getProperty("archway.repo.root", "..")).normalize();
  static TestApiServer api;
  static KubernetesClient client;
  static Operator operator;
  static int namespaces;

  @BeforeAll
  static void start() {
    api = TestApiServer.start();
    client = api.client();
    api.installCrds(ROOT);
    operator = ArchwayOperator.create(client, OperatorSettings.defaults());
    operator.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (operator != null) {
      operator.stop();
    }
    if (api != null) {
      api.close();
    }
  }

  static String newNamespace() {
    String ns = "test-" + (++namespaces);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    return ns;
  }

  @Test
  void clusterWithRouteAndServiceRendersEveryOwnedObjectAndStatus() {
    String ns = newNamespace();
    GatewayCluster gc = client.resource(cluster(ns, "edge")).create();
    client.resource(service(ns, "web", 9001)).create();
    client.resource(route(ns, "web", "edge", "www.example.com", "/shop", "web")).create();

    GatewayConfig config = awaitConfig(ns, "edge", c -> c.routes().size() == 1);
    assertThat(paths(config.routes().get(0))).containsExactly("/shop");
    assertThat(config.routes().get(0).hosts()).containsExactly("www.example.com");
    assertThat(config.services().get(0).targets().get(0).port()).isEqualTo(9001);

    List<HasMetadata> owned = await().atMost(Duration.ofSeconds(30)).until(
        () -> OwnedObjects.of(client, ns, "edge"), l -> l.stream().allMatch(o -> o != null));
    for (HasMetadata o : owned) {
      assertThat(o.getMetadata().getOwnerReferences()).as(o.getKind())
          .anySatisfy(ref -> {
            assertThat(ref.getKind()).isEqualTo("GatewayCluster");
            assertThat(ref.getUid()).isEqualTo(gc.getMetadata().getUid());
          });
    }

    GatewayCluster seen = await().atMost(Duration.ofSeconds(30)).until(
        () -> client.resources(GatewayCluster.class).inNamespace(ns).withName("edge").get(),
        g -> g.getStatus() != null && config.version().equals(g.getStatus().getConfigVersion()));
    assertThat(seen.getStatus().getObservedGeneration()).isEqualTo(seen.getMetadata().getGeneration());
    assertThat(seen.getStatus().getConditions()).extracting(Condition::getType)
        .contains("Ready", "Progressing", "Degraded");
    assertThat(seen.getStatus().getConditions())
        .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(seen.getMetadata().getGeneration()));

    await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
        .anyMatch(e -> "ConfigRendered".equals(e.getReason()) && e.getMessage().contains(config.version())));

    ArchwayRoute routeSeen = await().atMost(Duration.ofSeconds(30)).until(
        () -> client.resources(ArchwayRoute.class).inNamespace(ns).withName("web").get(),
        r -> condition(r.getStatus() == null ? null : r.getStatus().getConditions(), "Accepted") != null);
    assertThat(condition(routeSeen.getStatus().getConditions(), "Accepted").getStatus()).isEqualTo("True");
    assertThat(condition(routeSeen.getStatus().getConditions(), "ResolvedRefs").getStatus()).isEqualTo("True");
  }

  @Test
  void routeChangesAndDeletionReRenderTheConfig() {
    String ns = newNamespace();
    client.resource(cluster(ns, "edge")).create();
    client.resource(service(ns, "web", 9001)).create();
    client.resource(route(ns, "web", "edge", null, "/old", "web")).create();
    awaitConfig(ns, "edge", c -> c.routes().size() == 1 && paths(c.routes().get(0)).contains("/old"));

    Resources.edit(client, ArchwayRoute.class, ns, "web", r -> {
      r.getSpec().getRules().get(0).getMatches().get(0).getPath().setValue("/new");
      return r;
    });
    awaitConfig(ns, "edge", c -> c.routes().size() == 1 && paths(c.routes().get(0)).contains("/new"));

    client.resource(service(ns, "web", 9002)).update();
    awaitConfig(ns, "edge", c -> c.services().get(0).targets().get(0).port() == 9002);

    client.resources(ArchwayRoute.class).inNamespace(ns).withName("web").delete();
    awaitConfig(ns, "edge", c -> c.routes().isEmpty() && c.services().isEmpty());
  }

  @Test
  void brokenRouteIsReportedAndLeftOutWhileOthersKeepWorking() {
    String ns = newNamespace();
    client.resource(cluster(ns, "edge")).create();
    client.resource(service(ns, "web", 9001)).create();
    client.resource(route(ns, "good", "edge", null, "/good", "web")).create();
    client.resource(route(ns, "broken", "edge", null, "/broken", "missing")).create();

    GatewayConfig config = awaitConfig(ns, "edge", c -> c.routes().size() == 1);
    assertThat(config.routes().get(0).name()).isEqualTo(ns + "/good");

    ArchwayRoute broken = await().atMost(Duration.ofSeconds(30)).until(
        () -> client.resources(ArchwayRoute.class).inNamespace(ns).withName("broken").get(),
        r -> condition(r.getStatus() == null ? null : r.getStatus().getConditions(), "ResolvedRefs") != null);
    Condition resolved = condition(broken.getStatus().getConditions(), "ResolvedRefs");
    assertThat(resolved.getStatus()).isEqualTo("False");
    assertThat(resolved.getReason()).isEqualTo("BackendNotFound");
    assertThat(resolved.getMessage()).contains("spec.rules[0].backendRefs[0].name").contains("missing");
    // status is written once, not rewritten on every event it causes itself
    String settled = broken.getMetadata().getResourceVersion();
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> settled.equals(
        client.resources(ArchwayRoute.class).inNamespace(ns).withName("broken").get().getMetadata().getResourceVersion()));

    GatewayCluster gc = await().atMost(Duration.ofSeconds(30)).until(
        () -> client.resources(GatewayCluster.class).inNamespace(ns).withName("edge").get(),
        g -> g.getStatus() != null && condition(g.getStatus().getConditions(), "Degraded") != null
            && "True".equals(condition(g.getStatus().getConditions(), "Degraded").getStatus()));
    assertThat(condition(gc.getStatus().getConditions(), "Degraded").getMessage()).contains(ns + "/broken");

    await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
        .anyMatch(e -> "Warning".equals(e.getType()) && "BackendNotFound".equals(e.getReason())
            && "broken".equals(e.getInvolvedObject().getName())));
    // creating the missing Service heals the route
    client.resource(service(ns, "missing", 9003)).create();
    awaitConfig(ns, "edge", c -> c.routes().size() == 2);
  }

  @Test
  void deletingTheClusterRemovesWhatItOwned() {
    String ns = newNamespace();
    client.resource(cluster(ns, "edge")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> OwnedObjects.allPresent(client, ns, "edge"));

    client.resources(GatewayCluster.class).inNamespace(ns).withName("edge").delete();

    await().atMost(Duration.ofSeconds(30)).until(() ->
        client.resources(GatewayCluster.class).inNamespace(ns).withName("edge").get() == null
            && OwnedObjects.allGone(client, ns, "edge"));
  }

  @Test
  void routeNamingAMissingClusterIsToldSoUntilTheClusterAppears() {
    String ns = newNamespace();
    client.resource(service(ns, "web", 9001)).create();
    client.resource(route(ns, "early", "later", null, "/early", "web")).create();

    ArchwayRoute early = await().atMost(Duration.ofSeconds(30)).until(
        () -> client.resources(ArchwayRoute.class).inNamespace(ns).withName("early").get(),
        r -> condition(r.getStatus() == null ? null : r.getStatus().getConditions(), "Accepted") != null);
    Condition accepted = condition(early.getStatus().getConditions(), "Accepted");
    assertThat(accepted.getStatus()).isEqualTo("False");
    assertThat(accepted.getReason()).isEqualTo("GatewayClusterNotFound");
    assertThat(accepted.getMessage()).contains("spec.gatewayClusterRef.name").contains("later");

    client.resource(cluster(ns, "later")).create();
    awaitConfig(ns, "later", c -> c.routes().size() == 1);
    await().atMost(Duration.ofSeconds(30)).until(
        () -> client.resources(ArchwayRoute.class).inNamespace(ns).withName("early").get(),
        r -> "True".equals(condition(r.getStatus().getConditions(), "Accepted").getStatus()));
  }

  static GatewayConfig awaitConfig(String ns, String cluster, java.util.function.Predicate<GatewayConfig> until) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> {
      ConfigMap cm = client.configMaps().inNamespace(ns).withName(cluster + "-config").get();
      return cm == null ? null : ConfigCodec.decode(cm.getData().get("config.json"));
    }, c -> c != null && until.test(c));
  }

  static List<String> paths(dev.archway.model.RouteConfig route) {
    return route.matches().stream().map(m -> m.path().value()).toList();
  }

  static Condition condition(List<Condition> conditions, String type) {
    return conditions == null ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
