package dev.archway.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.ArchwayService;
import dev.archway.api.v1alpha1.BackendRef;
import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.Listener;
import dev.archway.api.v1alpha1.ListenerTls;
import dev.archway.api.v1alpha1.LocalObjectRef;
import dev.archway.api.v1alpha1.PathMatch;
import dev.archway.api.v1alpha1.RouteMatch;
import dev.archway.api.v1alpha1.RouteRule;
import dev.archway.api.v1alpha1.Target;
import dev.archway.model.ConfigCodec;
import dev.archway.model.GatewayConfig;
import static dev.archway.operator.testing.Resources.cluster;
import static dev.archway.operator.testing.Resources.route;
import static dev.archway.operator.testing.Resources.service;

import dev.archway.api.v1alpha1.ZoneStatus;
import dev.archway.operator.testing.FakeGatewayPod;
import dev.archway.operator.testing.OwnedObjects;
import dev.archway.operator.testing.RenderedConfigs;
import dev.archway.operator.testing.Resources;
import dev.archway.operator.testing.OperatorUnderTest;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator against an API server: what a user sees after kubectl apply. */
class GatewayClusterReconcilerTest {

  static KubernetesClient client;
  static final int INLINE_BYTES = 4096;

  @RegisterExtension static final OperatorUnderTest env = new OperatorUnderTest("test")
      // small limits, so that a config of some dozen routes is sharded as a >512 KiB one would be
      .withEnvironment("ARCHWAY_CONFIG_INLINE_BYTES", Integer.toString(INLINE_BYTES))
      .withEnvironment("ARCHWAY_CONFIG_SHARD_BYTES", "1024");

  @BeforeAll
  static void start() {
    client = env.client();
  }

  static String newNamespace() {
    return env.newNamespace();
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
  void httpsListenerMountsItsSecretsAndAMissingOrWrongSecretIsNamedByItsReference() {
    String ns = newNamespace();
    client.resource(tlsSecret(ns, "good", "kubernetes.io/tls")).create();
    client.resource(tlsSecret(ns, "opaque", "Opaque")).create();
    GatewayCluster gc = cluster(ns, "edge");
    Listener https = new Listener("https", 8443);
    https.setProtocol(Listener.ListenerProtocol.HTTPS);
    https.setTls(new ListenerTls(List.of(new LocalObjectRef("good"), new LocalObjectRef("missing"),
        new LocalObjectRef("opaque"))));
    gc.getSpec().setListeners(List.of(new Listener("http", 8080), https));
    client.resource(gc).create();
    client.resource(service(ns, "web", 9001)).create();
    client.resource(route(ns, "web", "edge", null, "/", "web")).create();

    GatewayConfig config = awaitConfig(ns, "edge", c -> c.listeners().size() == 2);
    assertThat(config.listeners().get(1).tls().certificates()).extracting(c -> c.certFile()).containsExactly(
        "/etc/archway/tls/good/tls.crt", "/etc/archway/tls/missing/tls.crt", "/etc/archway/tls/opaque/tls.crt");
    Deployment deployment = await().atMost(Duration.ofSeconds(30)).until(
        () -> client.apps().deployments().inNamespace(ns).withName("edge-gateway").get(), d -> d != null);
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getSecret().getSecretName()).containsExactly("good", "missing", "opaque");
    assertThat(pod.getContainers().get(0).getVolumeMounts()).filteredOn(m -> m.getMountPath().startsWith("/etc/archway/tls/"))
        .allSatisfy(m -> assertThat(m.getReadOnly()).isTrue()).hasSize(3);

    GatewayCluster seen = await().atMost(Duration.ofSeconds(30)).until(
        () -> client.resources(GatewayCluster.class).inNamespace(ns).withName("edge").get(),
        g -> g.getStatus() != null && condition(g.getStatus().getConditions(), "Degraded") != null
            && "InvalidCertificateRef".equals(condition(g.getStatus().getConditions(), "Degraded").getReason()));
    Condition degraded = condition(seen.getStatus().getConditions(), "Degraded");
    assertThat(degraded.getStatus()).isEqualTo("True");
    assertThat(degraded.getMessage())
        .contains("spec.listeners[1].tls.certificateRefs[1]: Secret missing not found in namespace " + ns)
        .contains("spec.listeners[1].tls.certificateRefs[2]: Secret opaque is of type Opaque, not kubernetes.io/tls")
        .doesNotContain("certificateRefs[0]");
    await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
        .anyMatch(e -> "Warning".equals(e.getType()) && "InvalidCertificateRef".equals(e.getReason())
            && e.getMessage().contains("certificateRefs[1]")));

    // Secrets are read at reconciliation, not watched: the next one (here a route edit) sees them fixed
    client.resource(tlsSecret(ns, "missing", "kubernetes.io/tls")).create();
    client.secrets().inNamespace(ns).withName("opaque").delete();
    client.resource(tlsSecret(ns, "opaque", "kubernetes.io/tls")).create();
    Resources.edit(client, ArchwayRoute.class, ns, "web", r -> {
      r.getSpec().getRules().get(0).getMatches().get(0).getPath().setValue("/shop");
      return r;
    });
    await().atMost(Duration.ofSeconds(30)).until(
        () -> client.resources(GatewayCluster.class).inNamespace(ns).withName("edge").get(),
        g -> !condition(g.getStatus().getConditions(), "Degraded").getMessage().contains("certificateRefs"));
  }

  static Secret tlsSecret(String ns, String name, String type) {
    String pem = java.util.Base64.getEncoder().encodeToString("-----BEGIN X-----\n".getBytes());
    return new SecretBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withType(type).addToData("tls.crt", pem).addToData("tls.key", pem).build();
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
    return await().atMost(Duration.ofSeconds(30)).until(() -> readConfig(ns, cluster), c -> c != null && until.test(c));
  }

  static GatewayConfig readConfig(String ns, String cluster) {
    return RenderedConfigs.read(client, ns, cluster);
  }

  static GatewayCluster clusterStatus(String ns, String name, java.util.function.Predicate<GatewayCluster> until) {
    return await().atMost(Duration.ofSeconds(30)).until(
        () -> client.resources(GatewayCluster.class).inNamespace(ns).withName(name).get(),
        g -> g != null && g.getStatus() != null && until.test(g));
  }

  static String conditionStatus(GatewayCluster gc, String type) {
    Condition c = condition(gc.getStatus().getConditions(), type);
    return c == null ? null : c.getStatus();
  }

  static String routeCondition(String ns, String name, String type) {
    ArchwayRoute r = client.resources(ArchwayRoute.class).inNamespace(ns).withName(name).get();
    Condition c = r == null || r.getStatus() == null ? null : condition(r.getStatus().getConditions(), type);
    return c == null ? null : c.getStatus();
  }

  static List<String> shardNames(String ns, String cluster) {
    return client.configMaps().inNamespace(ns).withLabel("archway.dev/cluster", cluster)
        .withLabel("archway.dev/config-part", "shard").list().getItems().stream()
        .map(c -> c.getMetadata().getName()).sorted().toList();
  }

  @Test
  void configSyncedTurnsTrueOnlyWhenEveryReadyPodReportsTheDesiredVersionAndProgrammedFollows() {
    String ns = newNamespace();
    client.resource(FakeGatewayPod.node(ns + "-a", "zone-a")).create();
    client.resource(FakeGatewayPod.node(ns + "-b", "zone-b")).create();
    client.resource(FakeGatewayPod.node(ns + "-c", null)).create();
    client.resource(cluster(ns, "edge")).create();
    client.resource(service(ns, "web", 9001)).create();
    client.resource(route(ns, "web", "edge", null, "/shop", "web")).create();
    GatewayConfig v1 = awaitConfig(ns, "edge", c -> c.routes().size() == 1);

    try (FakeGatewayPod p1 = FakeGatewayPod.start("127.0.0.2").reports("0000000000000000");
        FakeGatewayPod p2 = FakeGatewayPod.start("127.0.0.3").reports("0000000000000000");
        FakeGatewayPod p3 = FakeGatewayPod.start("127.0.0.4").reports("0000000000000000");
        FakeGatewayPod starting = FakeGatewayPod.start("127.0.0.5")) {
      p1.create(client, ns, "edge", "edge-gateway-1", ns + "-a", true);
      p2.create(client, ns, "edge", "edge-gateway-2", ns + "-b", true);
      p3.create(client, ns, "edge", "edge-gateway-3", ns + "-c", true);
      starting.create(client, ns, "edge", "edge-gateway-4", ns + "-a", false);

      // pods on a node without a zone label count under "unknown"; the starting pod counts, not as ready
      List<ZoneStatus> zones = List.of(
          new ZoneStatus("unknown", 1, 1), new ZoneStatus("zone-a", 2, 1), new ZoneStatus("zone-b", 1, 1));
      GatewayCluster gc = clusterStatus(ns, "edge", g -> zones.equals(g.getStatus().getZones()));
      assertThat(conditionStatus(gc, "ConfigSynced")).isEqualTo("False");
      assertThat(condition(gc.getStatus().getConditions(), "ConfigSynced").getMessage())
          .contains("0/3 ready gateway pods have applied config " + v1.version());
      assertThat(routeCondition(ns, "web", "Programmed")).isEqualTo("False");

      p1.reports(v1.version());
      p2.reports(v1.version());
      gc = clusterStatus(ns, "edge", g -> Integer.valueOf(2).equals(g.getStatus().getConfigSyncedReplicas()));
      assertThat(conditionStatus(gc, "ConfigSynced")).isEqualTo("False");
      assertThat(condition(gc.getStatus().getConditions(), "ConfigSynced").getMessage()).contains("edge-gateway-3");
      assertThat(routeCondition(ns, "web", "Programmed")).isEqualTo("False");

      p3.reports(v1.version());
      gc = clusterStatus(ns, "edge", g -> "True".equals(conditionStatus(g, "ConfigSynced")));
      assertThat(gc.getStatus().getConfigSyncedReplicas()).isEqualTo(3);
      assertThat(condition(gc.getStatus().getConditions(), "ConfigSynced").getObservedGeneration())
          .isEqualTo(gc.getMetadata().getGeneration());
      await().atMost(Duration.ofSeconds(30)).until(() -> "True".equals(routeCondition(ns, "web", "Programmed")));
      await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace(ns).list().getItems()
          .stream().anyMatch(e -> "ConfigSynced".equals(e.getReason()) && e.getMessage().contains(v1.version())));

      // a route change is a new version: not synced, not programmed, until the pods have it
      Resources.edit(client, ArchwayRoute.class, ns, "web", r -> {
        r.getSpec().getRules().get(0).getMatches().get(0).getPath().setValue("/store");
        return r;
      });
      GatewayConfig v2 = awaitConfig(ns, "edge", c -> paths(c.routes().get(0)).contains("/store"));
      clusterStatus(ns, "edge", g -> v2.version().equals(g.getStatus().getConfigVersion())
          && "False".equals(conditionStatus(g, "ConfigSynced")));
      await().atMost(Duration.ofSeconds(30)).until(() -> "False".equals(routeCondition(ns, "web", "Programmed")));

      // one pod refuses it: Degraded names the pod and why
      p1.reports(v2.version());
      p2.reports(v2.version());
      p3.rejects("shard 1 of config " + v2.version() + " is missing");
      gc = clusterStatus(ns, "edge", g -> "True".equals(conditionStatus(g, "Degraded")));
      assertThat(condition(gc.getStatus().getConditions(), "Degraded").getReason()).isEqualTo("PodsRejectedConfig");
      assertThat(condition(gc.getStatus().getConditions(), "Degraded").getMessage())
          .contains("edge-gateway-3").contains("is missing");
      await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace(ns).list().getItems()
          .stream().anyMatch(e -> "PodsRejectedConfig".equals(e.getReason()) && "Warning".equals(e.getType())));

      p3.rejects(null).reports(v2.version());
      gc = clusterStatus(ns, "edge", g -> "True".equals(conditionStatus(g, "ConfigSynced"))
          && "False".equals(conditionStatus(g, "Degraded")));
      assertThat(gc.getStatus().getConfigSyncedReplicas()).isEqualTo(3);
      await().atMost(Duration.ofSeconds(30)).until(() -> "True".equals(routeCondition(ns, "web", "Programmed")));
    }
  }

  @Test
  void aReadyPodWhoseReadinessEndpointDoesNotAnswerIsNamedAndKeepsConfigSyncedFalse() {
    String ns = newNamespace();
    client.resource(FakeGatewayPod.node(ns + "-a", "zone-a")).create();
    client.resource(cluster(ns, "edge")).create();
    GatewayConfig v1 = awaitConfig(ns, "edge", c -> true);
    try (FakeGatewayPod answering = FakeGatewayPod.start("127.0.0.7")) {
      answering.reports(v1.version()).create(client, ns, "edge", "edge-gateway-1", ns + "-a", true);
      FakeGatewayPod silent = FakeGatewayPod.start("127.0.0.8");
      silent.create(client, ns, "edge", "edge-gateway-2", ns + "-a", true);
      silent.close(); // the pod's address no longer answers, as behind a NetworkPolicy that drops the operator

      GatewayCluster gc = clusterStatus(ns, "edge", g -> "True".equals(conditionStatus(g, "Degraded")));
      Condition degraded = condition(gc.getStatus().getConditions(), "Degraded");
      assertThat(degraded.getReason()).isEqualTo("PodsUnreachable");
      assertThat(degraded.getMessage()).contains("edge-gateway-2").contains("127.0.0.8");
      assertThat(conditionStatus(gc, "ConfigSynced")).isEqualTo("False");
      assertThat(gc.getStatus().getConfigSyncedReplicas()).isEqualTo(1);
      assertThat(gc.getStatus().getZones()).containsExactly(new ZoneStatus("zone-a", 2, 2));

      // the silent pod goes away: the one left is all there is, and it is in sync
      client.pods().inNamespace(ns).withName("edge-gateway-2").delete();
      clusterStatus(ns, "edge", g -> "True".equals(conditionStatus(g, "ConfigSynced"))
          && "False".equals(conditionStatus(g, "Degraded")));
    }
  }

  @Test
  void aBigConfigIsShardedAndOldShardsStayWhileAPodStillRunsTheirVersion() {
    String ns = newNamespace();
    client.resource(FakeGatewayPod.node(ns + "-a", "zone-a")).create();
    client.resource(cluster(ns, "big")).create();
    client.resource(service(ns, "web", 9001)).create();
    java.util.Random random = new java.util.Random(1);
    for (int i = 0; i < 40; i++) {
      client.resource(route(ns, "r" + i, "big", Long.toHexString(random.nextLong()) + ".example.com",
          "/" + Long.toHexString(random.nextLong()), "web")).create();
    }
    GatewayConfig v1 = awaitConfig(ns, "big", c -> c.routes().size() == 40);
    assertThat(ConfigCodec.encode(v1).length()).isGreaterThan(INLINE_BYTES);
    List<String> v1Shards = await().atMost(Duration.ofSeconds(30)).until(() -> shardNames(ns, "big"),
        l -> !l.isEmpty() && l.stream().allMatch(n -> n.startsWith("big-config-" + v1.version() + "-")));
    assertThat(v1Shards).hasSizeGreaterThan(1);
    // the gateway's Role may read exactly the manifest and the shards
    await().atMost(Duration.ofSeconds(30)).until(() -> client.rbac().roles().inNamespace(ns).withName("big-gateway").get()
        .getRules().get(0).getResourceNames(), names -> names.containsAll(v1Shards) && names.contains("big-config"));

    try (FakeGatewayPod pod = FakeGatewayPod.start("127.0.0.6").reports(v1.version())) {
      pod.create(client, ns, "big", "big-gateway-1", ns + "-a", true);
      clusterStatus(ns, "big", g -> "True".equals(conditionStatus(g, "ConfigSynced")));

      Resources.edit(client, ArchwayRoute.class, ns, "r0", r -> {
        r.getSpec().getRules().get(0).getMatches().get(0).getPath().setValue("/changed");
        return r;
      });
      GatewayConfig v2 = awaitConfig(ns, "big", c -> c.routes().stream().anyMatch(r -> paths(r).contains("/changed")));
      // the pod still runs v1: its shards stay beside v2's, readable by the Role
      await().atMost(Duration.ofSeconds(30)).until(() -> shardNames(ns, "big"),
          l -> l.stream().anyMatch(n -> n.contains(v2.version())));
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
          .until(() -> shardNames(ns, "big").containsAll(v1Shards));
      assertThat(client.rbac().roles().inNamespace(ns).withName("big-gateway").get()
          .getRules().get(0).getResourceNames()).containsAll(v1Shards);

      // the pod moves on: v1's shards go, v2's stay
      pod.reports(v2.version());
      List<String> left = await().atMost(Duration.ofSeconds(30)).until(() -> shardNames(ns, "big"),
          l -> l.stream().noneMatch(v1Shards::contains));
      assertThat(left).isNotEmpty().allMatch(n -> n.startsWith("big-config-" + v2.version() + "-"));
      assertThat(readConfig(ns, "big").version()).isEqualTo(v2.version());
      await().atMost(Duration.ofSeconds(30)).until(() -> client.rbac().roles().inNamespace(ns).withName("big-gateway")
          .get().getRules().get(0).getResourceNames(), names -> names.stream().noneMatch(v1Shards::contains));
    }
  }

  static List<String> paths(dev.archway.model.RouteConfig route) {
    return route.matches().stream().map(m -> m.path().value()).toList();
  }

  static Condition condition(List<Condition> conditions, String type) {
    return conditions == null ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
