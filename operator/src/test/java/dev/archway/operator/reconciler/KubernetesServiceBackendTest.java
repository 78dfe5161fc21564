package dev.archway.operator.reconciler;

import static dev.archway.operator.testing.Resources.cluster;
import static dev.archway.operator.testing.Resources.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.ArchwayService;
import dev.archway.api.v1alpha1.KubernetesServiceRef;
import dev.archway.model.GatewayConfig;
import dev.archway.model.ServiceConfig;
import dev.archway.operator.testing.RenderedConfigs;
import dev.archway.operator.testing.Resources;
import dev.archway.operator.testing.OperatorUnderTest;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Service (archway.dev) backed by a Kubernetes Service: targets follow its EndpointSlices. */
class KubernetesServiceBackendTest {

  static KubernetesClient client;

  @RegisterExtension static final OperatorUnderTest env = new OperatorUnderTest("k8s-service");

  @BeforeAll
  static void start() {
    client = env.client();
  }

  @Test
  void targetsFollowTheReadyEndpointsOfTheKubernetesService() {
    String ns = newNamespace();
    client.resource(cluster(ns, "edge")).create();
    client.resource(kubernetesBacked(ns, "web", "web", new IntOrString("http"))).create();
    client.resource(route(ns, "shop", "edge", "www.example.com", "/", "web")).create();

    // the Kubernetes Service does not exist yet: the Route says so and stays out of the config
    Condition missing = awaitResolvedRefs(ns, "shop", c -> "False".equals(c.getStatus()));
    assertThat(missing.getReason()).isEqualTo("BackendNotFound");
    assertThat(missing.getMessage()).contains("Kubernetes Service web not found in namespace " + ns);
    assertThat(awaitConfig(ns, c -> true).routes()).isEmpty();

    // it exists, no pod is ready yet: served with no targets (the gateway answers 503) and the
    // Route tells why
    client.resource(kubernetesService(ns, "web")).create();
    GatewayConfig empty = awaitConfig(ns, c -> c.routes().size() == 1);
    assertThat(targets(empty, ns + "/web")).isEmpty();
    Condition noEndpoints = awaitResolvedRefs(ns, "shop", c -> "True".equals(c.getStatus()));
    assertThat(noEndpoints.getMessage()).contains("Kubernetes Service web has no ready endpoints").contains("503");

    client.resource(slice(ns, "web-abc", 8080,
        endpoint("10.0.0.1", true, false), endpoint("10.0.0.2", true, false))).create();
    awaitConfig(ns, c -> targets(c, ns + "/web").equals(List.of("10.0.0.1:8080", "10.0.0.2:8080")));
    awaitResolvedRefs(ns, "shop", c -> !c.getMessage().contains("no ready endpoints"));

    // a pod stops being ready while another comes up
    Resources.edit(client, EndpointSlice.class, ns, "web-abc", s -> {
      s.getEndpoints().get(1).getConditions().setReady(false);
      s.getEndpoints().add(endpoint("10.0.0.3", true, false));
      return s;
    });
    awaitConfig(ns, c -> targets(c, ns + "/web").equals(List.of("10.0.0.1:8080", "10.0.0.3:8080")));

    // the EndpointSlice controller splits a Service over several slices: all of them count; a
    // terminating pod is left out
    client.resource(slice(ns, "web-def", 8080,
        endpoint("10.0.1.4", true, false), endpoint("10.0.1.5", false, true))).create();
    awaitConfig(ns, c -> targets(c, ns + "/web").equals(List.of("10.0.0.1:8080", "10.0.0.3:8080", "10.0.1.4:8080")));

    client.resources(EndpointSlice.class).inNamespace(ns).withName("web-abc").delete();
    awaitConfig(ns, c -> targets(c, ns + "/web").equals(List.of("10.0.1.4:8080")));
  }

  @Test
  void aPortTheKubernetesServiceDoesNotHaveIsNamedInTheRouteStatus() {
    String ns = newNamespace();
    client.resource(cluster(ns, "edge")).create();
    client.resource(kubernetesService(ns, "web")).create();
    client.resource(kubernetesBacked(ns, "web", "web", new IntOrString(8443))).create();
    client.resource(route(ns, "shop", "edge", null, "/", "web")).create();

    Condition wrongPort = awaitResolvedRefs(ns, "shop", c -> "False".equals(c.getStatus()));
    assertThat(wrongPort.getReason()).isEqualTo("InvalidBackend");
    assertThat(wrongPort.getMessage()).contains("spec.kubernetesService.port").contains("no port 8443")
        .contains("80 (http)");

    // by the Service port's number the endpoints' target port is used
    client.resource(slice(ns, "web-1", 8080, endpoint("10.0.0.9", true, false))).create();
    Resources.edit(client, ArchwayService.class, ns, "web", s -> {
      s.getSpec().getKubernetesService().setPort(new IntOrString(80));
      return s;
    });
    awaitConfig(ns, c -> targets(c, ns + "/web").equals(List.of("10.0.0.9:8080")));
  }

  static String newNamespace() {
    return env.newNamespace();
  }

  static ArchwayService kubernetesBacked(String ns, String name, String kubernetesService, IntOrString port) {
    ArchwayService s = new ArchwayService();
    s.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    s.getSpec().setKubernetesService(new KubernetesServiceRef(kubernetesService, port));
    return s;
  }

  static Service kubernetesService(String ns, String name) {
    return new ServiceBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withNewSpec().addToSelector("app", name)
        .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("http")).endPort()
        .endSpec()
        .build();
  }

  static EndpointSlice slice(String ns, String name, int port, Endpoint... endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata().withNamespace(ns).withName(name)
        .addToLabels("kubernetes.io/service-name", "web").endMetadata()
        .withAddressType("IPv4")
        .addNewPort().withName("http").withPort(port).withProtocol("TCP").endPort()
        .withEndpoints(new java.util.ArrayList<>(List.of(endpoints)))
        .build();
  }

  static Endpoint endpoint(String address, boolean ready, boolean terminating) {
    return new EndpointBuilder().withAddresses(address)
        .withNewConditions().withReady(ready).withServing(ready || terminating).withTerminating(terminating)
        .endConditions()
        .build();
  }

  static List<String> targets(GatewayConfig config, String service) {
    return config.services().stream().filter(s -> s.name().equals(service)).findFirst()
        .map(s -> s.targets().stream().map(t -> t.host() + ":" + t.port()).toList())
        .orElse(List.of("(service " + service + " not in config)"));
  }

  static GatewayConfig awaitConfig(String ns, Predicate<GatewayConfig> until) {
    return await().atMost(Duration.ofSeconds(30)).until(
        () -> RenderedConfigs.read(client, ns, "edge"), c -> c != null && until.test(c));
  }

  static Condition awaitResolvedRefs(String ns, String route, Predicate<Condition> until) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> {
      ArchwayRoute r = client.resources(ArchwayRoute.class).inNamespace(ns).withName(route).get();
      return r == null || r.getStatus() == null ? null : r.getStatus().getConditions().stream()
          .filter(c -> "ResolvedRefs".equals(c.getType())).findFirst().orElse(null);
    }, c -> c != null && until.test(c));
  }
}
