package dev.archway.e2e;

import static org.awaitility.Awaitility.await;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.ArchwayService;
import dev.archway.api.v1alpha1.BackendRef;
import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.KubernetesServiceRef;
import dev.archway.api.v1alpha1.Listener;
import dev.archway.api.v1alpha1.LocalObjectRef;
import dev.archway.api.v1alpha1.PathMatch;
import dev.archway.api.v1alpha1.RouteFilter;
import dev.archway.api.v1alpha1.RouteMatch;
import dev.archway.api.v1alpha1.RouteRule;
import dev.archway.api.v1alpha1.Target;
import dev.archway.api.v1alpha1.ValueMatch;
import dev.archway.model.ConfigCodec;
import dev.archway.model.GatewayConfig;
import dev.archway.e2e.harness.PodLauncher;
import dev.archway.operator.ArchwayOperator;
import dev.archway.operator.OperatorSettings;
import dev.archway.operator.demo.EchoUpstream;
import dev.archway.operator.demo.GatewayProcess;
import dev.archway.operator.render.ConfigMapRenderer;
import dev.archway.operator.render.GatewayNames;
import dev.archway.operator.testing.RenderedConfigs;
import dev.archway.operator.testing.Resources;
import dev.archway.operator.testing.TestApiServer;
import dev.archway.operator.translate.KubernetesEndpoints;
import dev.archway.operator.translate.Translation;
import dev.archway.operator.translate.Translator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scale benchmark, run by hand: 5,000 Routes across 10 GatewayClusters. Prints translation
 * and render time per cluster and in total, the ConfigMap bytes per cluster (and what one
 * cluster holding all 5,000 Routes would need), and the propagation latency from a Route write
 * to a real gateway process serving it (p50, p99). It asserts nothing about time.
 *
 * <pre>
 * mvn -B -o -q -pl e2e -am verify -Dtest=ScaleBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false -Darchway.bench=true
 * </pre>
 *
 * Optional: {@code -Darchway.bench.routes=5000 -Darchway.bench.clusters=10 -Darchway.bench.writes=100}.
 */
@Timeout(1800)
class ScaleBenchmarkTest {

  static final Path ROOT = Path.of(System.getProperty("archway.repo.root", "..")).toAbsolutePath().normalize();
  static final int ROUTES = Integer.getInteger("archway.bench.routes", 5000);
  static final int CLUSTERS = Integer.getInteger("archway.bench.clusters", 10);
  static final int WRITES = Integer.getInteger("archway.bench.writes", 100);
  /** Two clusters per namespace: a Service change re-renders both, as it would for real teams. */
  static final int CLUSTERS_PER_NAMESPACE = 2;
  static final int SERVICES_PER_NAMESPACE = 20;
  /** Of those, this many are Kubernetes Services resolved from EndpointSlices. */
  static final int KUBERNETES_BACKED = 5;
  static final int HOSTS_PER_CLUSTER = 50;
  static final long CONFIG_MAP_LIMIT = 1024 * 1024;
  /** The operator's ConfigMap limits, as a deployed operator reads them. */
  static final ConfigMapRenderer.Limits LIMITS = ConfigMapRenderer.Limits.fromEnvironment(System.getenv());
  static final String POD_IP = "127.0.0.97";
  static final int LISTENER_PORT = 18197;
  static final String PROBE_HOST = "probe.bench.example.com";
  // HTTP/1.1: with its default HTTP/2 the JDK client tries an h2c upgrade, and a Host header
  // forced to differ from :authority gets the stream reset by the gateway
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(1)).build();

  @Test
  void fiveThousandRoutesAcrossTenClusters() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("archway.bench"),
        "scale benchmark skipped: it runs by hand with -Darchway.bench=true (see README, Measurements)");
    try (TestApiServer api = TestApiServer.start();
        EchoUpstream upstream = new EchoUpstream("127.0.0.1", 0, "bench-upstream")) {
      KubernetesClient client = api.client();
      api.installCrds(ROOT);
      Operator operator = ArchwayOperator.create(client, OperatorSettings.defaults());
      operator.start();
      GatewayProcess pod = null;
      try {
        long created = System.nanoTime();
        createResources(client, upstream.port());
        System.out.printf("[bench] created %d Routes, %d GatewayClusters, %d Services in %d ms (API server: %s)%n",
            ROUTES + 1, CLUSTERS, namespaces() * SERVICES_PER_NAMESPACE, ms(created), api.kind());

        long settled = System.nanoTime();
        Map<String, GatewayConfig> configs = awaitAllRendered(client);
        System.out.printf("[bench] operator rendered every cluster's ConfigMap %d ms after the last write%n",
            ms(settled));

        measureTranslation(client);
        reportConfigMapBytes(client, configs);
        measureOneBigCluster(client);

        Deployment deployment = client.apps().deployments().inNamespace(namespace(0)).withName("edge-0-gateway").get();
        Path logs = Files.createDirectories(ROOT.resolve("e2e/target/pods"));
        pod = new PodLauncher(ROOT, api.clientEnv(), logs).start(deployment, "edge-0-gateway-bench", POD_IP);
        pod.awaitReady(Duration.ofSeconds(90));
        measurePropagation(client);
      } finally {
        if (pod != null) {
          pod.stop(Duration.ofSeconds(15));
        }
        operator.stop();
      }
    }
  }

  // ---- the resources ----

  static int namespaces() {
    return (CLUSTERS + CLUSTERS_PER_NAMESPACE - 1) / CLUSTERS_PER_NAMESPACE;
  }

  static String namespace(int cluster) {
    return "team-" + (cluster / CLUSTERS_PER_NAMESPACE);
  }

  static void createResources(KubernetesClient client, int upstreamPort) throws Exception {
    for (int n = 0; n < namespaces(); n++) {
      String ns = "team-" + n;
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      for (int s = 0; s < SERVICES_PER_NAMESPACE; s++) {
        client.resource(service(ns, s, upstreamPort)).create();
        if (s < KUBERNETES_BACKED) {
          client.resource(kubernetesService(ns, s)).create();
          client.resource(endpointSlice(ns, s)).create();
        }
      }
    }
    for (int c = 0; c < CLUSTERS; c++) {
      GatewayCluster gc = Resources.cluster(namespace(c), "edge-" + c);
      gc.getSpec().setReplicas(3);
      gc.getSpec().setListeners(List.of(new Listener("http", LISTENER_PORT)));
      client.resource(gc).create();
    }
    // the Route the propagation probe edits, served by the real upstream
    client.resource(Resources.route(namespace(0), "probe", "edge-0", PROBE_HOST, "/probe/0", "svc-" + KUBERNETES_BACKED))
        .create();
    // the rest from a few threads, as several teams' CI pipelines would
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < ROUTES; i++) {
        ArchwayRoute r = route(i);
        writes.add(pool.submit(() -> client.resource(r).create()));
      }
      for (Future<?> f : writes) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Route i: cluster i mod 10; 50 hosts per cluster (every tenth also a wildcard); prefixes, 10%
   * exact paths, 2% regexes, 5% header matches, 4% weighted splits, 25% header filters.
   */
  static ArchwayRoute route(int i) {
    int cluster = i % CLUSTERS;
    int local = i / CLUSTERS;
    int host = local % HOSTS_PER_CLUSTER;
    int resource = local / HOSTS_PER_CLUSTER;
    ArchwayRoute r = new ArchwayRoute();
    r.setMetadata(new ObjectMetaBuilder().withNamespace(namespace(cluster)).withName("r-" + i).build());
    r.getSpec().setGatewayClusterRef(new LocalObjectRef("edge-" + cluster));
    List<String> hosts = new ArrayList<>(List.of("app-" + host + ".c" + cluster + ".example.com"));
    if (host % 10 == 0) {
      hosts.add("*.app-" + host + ".c" + cluster + ".example.com");
    }
    r.getSpec().setHostnames(hosts);
    RouteRule rule = new RouteRule();
    PathMatch path;
    if (i % 50 == 7) {
      path = new PathMatch(PathMatch.PathMatchType.RegularExpression, "/v[0-9]+/res-" + resource + "/[a-z0-9-]+/items/[0-9]+");
    } else if (i % 10 == 3) {
      path = new PathMatch(PathMatch.PathMatchType.Exact, "/api/res-" + resource + "/health");
    } else {
      path = new PathMatch(PathMatch.PathMatchType.PathPrefix, "/api/v" + (1 + resource % 3) + "/res-" + resource);
    }
    RouteMatch match = new RouteMatch(path);
    if (i % 20 == 5) {
      match.setHeaders(List.of(new ValueMatch(ValueMatch.MatchType.Exact, "x-tenant", "tenant-" + (i % 7))));
    }
    rule.setMatches(List.of(match));
    // every cluster uses every Service of its namespace, Kubernetes-backed ones included
    String service = "svc-" + (local % SERVICES_PER_NAMESPACE);
    if (i % 25 == 11) {
      BackendRef a = new BackendRef(service);
      a.setWeight(90);
      BackendRef b = new BackendRef("svc-" + ((local + 1) % SERVICES_PER_NAMESPACE));
      b.setWeight(10);
      rule.setBackendRefs(List.of(a, b));
    } else {
      rule.setBackendRefs(List.of(new BackendRef(service)));
    }
    if (i % 4 == 1) {
      RouteFilter f = new RouteFilter();
      f.setType(RouteFilter.FilterType.RequestHeaderModifier);
      RouteFilter.HeaderModifier m = new RouteFilter.HeaderModifier();
      m.setSet(List.of(new RouteFilter.Header("x-route", "r-" + i)));
      m.setRemove(List.of("x-debug"));
      f.setRequestHeaderModifier(m);
      rule.setFilters(List.of(f));
    }
    r.getSpec().setRules(List.of(rule));
    return r;
  }

  static ArchwayService service(String ns, int s, int upstreamPort) {
    ArchwayService svc = new ArchwayService();
    svc.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("svc-" + s).build());
    if (s < KUBERNETES_BACKED) {
      svc.getSpec().setKubernetesService(new KubernetesServiceRef("k8s-" + s, new IntOrString("http")));
    } else {
      List<Target> targets = new ArrayList<>();
      targets.add(new Target("127.0.0.1", upstreamPort));
      // the probe's Service has only the real upstream; others name a few more that no request reaches
      for (int t = 1; s != KUBERNETES_BACKED && t < 1 + s % 4; t++) {
        targets.add(new Target("10." + s + ".0." + t, 8080));
      }
      svc.getSpec().setTargets(targets);
    }
    if (s % 3 == 0) {
      svc.getSpec().setLoadBalancer(dev.archway.api.v1alpha1.ServiceSpec.LoadBalancer.LeastRequest);
    }
    return svc;
  }

  static Service kubernetesService(String ns, int s) {
    return new ServiceBuilder().withNewMetadata().withNamespace(ns).withName("k8s-" + s).endMetadata()
        .withNewSpec().addToSelector("app", "k8s-" + s)
        .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString(8080)).endPort()
        .endSpec().build();
  }

  static EndpointSlice endpointSlice(String ns, int s) {
    var b = new EndpointSliceBuilder().withNewMetadata().withNamespace(ns).withName("k8s-" + s + "-a")
        .addToLabels(KubernetesEndpoints.SERVICE_NAME_LABEL, "k8s-" + s).endMetadata()
        .withAddressType("IPv4")
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort();
    for (int e = 1; e <= 12; e++) {
      b.addNewEndpoint().withAddresses("10.100." + s + "." + e).withNewConditions().withReady(e != 12).endConditions()
          .endEndpoint();
    }
    return b.build();
  }

  // ---- measurements ----

  static Map<String, GatewayConfig> awaitAllRendered(KubernetesClient client) {
    Map<String, GatewayConfig> configs = new LinkedHashMap<>();
    for (int c = 0; c < CLUSTERS; c++) {
      String ns = namespace(c);
      String name = "edge-" + c;
      int expected = expectedRules(c);
      GatewayConfig config = await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
        return RenderedConfigs.read(client, ns, name);
      }, cfg -> cfg != null && cfg.routes().size() == expected);
      configs.put(ns + "/" + name, config);
    }
    return configs;
  }

  static int expectedRules(int cluster) {
    int n = 0;
    for (int i = cluster; i < ROUTES; i += CLUSTERS) {
      n++;
    }
    return cluster == 0 ? n + 1 : n;
  }

  /** Translation and render of each cluster from the objects the operator sees: median of 15 after 5 warm-ups. */
  static void measureTranslation(KubernetesClient client) {
    System.out.println("[bench] translate + render per cluster (median of 15 runs after 5 warm-ups, ms):");
    double totalTranslate = 0;
    double totalRender = 0;
    for (int c = 0; c < CLUSTERS; c++) {
      String ns = namespace(c);
      GatewayCluster gc = client.resources(GatewayCluster.class).inNamespace(ns).withName("edge-" + c).get();
      List<ArchwayRoute> routes = client.resources(ArchwayRoute.class).inNamespace(ns).list().getItems();
      List<ArchwayService> services = client.resources(ArchwayService.class).inNamespace(ns).list().getItems();
      KubernetesEndpoints kube = new KubernetesEndpoints(client.services().inNamespace(ns).list().getItems(),
          client.discovery().v1().endpointSlices().inNamespace(ns).list().getItems());
      double[] timing = time(gc, routes, services, kube);
      totalTranslate += timing[0];
      totalRender += timing[1];
      System.out.printf("[bench]   %s/edge-%d: %d Routes in namespace, translate %.1f ms, render %.1f ms%n",
          ns, c, routes.size(), timing[0], timing[1]);
    }
    System.out.printf("[bench] all %d clusters: translate %.1f ms, render %.1f ms, together %.1f ms%n",
        CLUSTERS, totalTranslate, totalRender, totalTranslate + totalRender);
  }

  /** Median translate and render milliseconds. */
  static double[] time(GatewayCluster gc, List<ArchwayRoute> routes, List<ArchwayService> services,
      KubernetesEndpoints kube) {
    GatewayNames names = GatewayNames.of(gc);
    for (int w = 0; w < 5; w++) {
      ConfigMapRenderer.render(names, Translator.translate(gc, routes, services, kube).config(), LIMITS);
    }
    int runs = 15;
    double[] translate = new double[runs];
    double[] render = new double[runs];
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      Translation t = Translator.translate(gc, routes, services, kube);
      long t1 = System.nanoTime();
      ConfigMapRenderer.render(names, t.config(), LIMITS);
      long t2 = System.nanoTime();
      translate[r] = (t1 - t0) / 1e6;
      render[r] = (t2 - t1) / 1e6;
    }
    Arrays.sort(translate);
    Arrays.sort(render);
    return new double[] {translate[runs / 2], render[runs / 2]};
  }

  static void reportConfigMapBytes(KubernetesClient client, Map<String, GatewayConfig> configs) {
    System.out.println("[bench] config per cluster (document bytes; stored ConfigMaps as JSON, manifest + shards;"
        + " ConfigMap limit " + CONFIG_MAP_LIMIT + "):");
    long total = 0;
    for (String key : configs.keySet()) {
      GatewayConfig config = configs.get(key);
      Stored stored = stored(client, GatewayNames.of(Resources.cluster(key.split("/")[0], key.split("/")[1])), config);
      total += stored.document();
      System.out.printf("[bench]   %s: %d route rules, %d services, %s%n",
          key, config.routes().size(), config.services().size(), stored);
    }
    System.out.printf("[bench] all clusters: %,d bytes of config documents%n", total);
  }

  /** What the operator stores for one config: the document's size and the ConfigMaps holding it. */
  record Stored(long document, long largestObject, int shards) {
    @Override
    public String toString() {
      return String.format("%,d bytes of JSON, %s, largest ConfigMap %,d bytes (%.0f%% of the limit)",
          document, shards == 0 ? "inline in the manifest" : "gzipped into " + shards + " shard(s)",
          largestObject, 100.0 * largestObject / CONFIG_MAP_LIMIT);
    }
  }

  static Stored stored(KubernetesClient client, GatewayNames names, GatewayConfig config) {
    ConfigMapRenderer.RenderedConfig rendered = ConfigMapRenderer.render(names, config, LIMITS);
    long largest = 0;
    List<ConfigMap> all = new ArrayList<>(rendered.shards());
    all.add(rendered.manifest());
    for (ConfigMap cm : all) {
      largest = Math.max(largest, client.getKubernetesSerialization().asJson(cm).getBytes(StandardCharsets.UTF_8).length);
    }
    return new Stored(ConfigCodec.encode(config).getBytes(StandardCharsets.UTF_8).length, largest,
        rendered.shards().size());
  }

  /** The same 5,000 Routes bound to one cluster: does a single ConfigMap still hold them? */
  static void measureOneBigCluster(KubernetesClient client) {
    String ns = "one";
    GatewayCluster gc = Resources.cluster(ns, "big");
    gc.getMetadata().setGeneration(1L);
    gc.getSpec().setListeners(List.of(new Listener("http", LISTENER_PORT)));
    List<ArchwayRoute> routes = new ArrayList<>();
    Map<String, ArchwayService> services = new LinkedHashMap<>();
    List<Service> kubeServices = new ArrayList<>();
    List<EndpointSlice> slices = new ArrayList<>();
    for (int c = 0; c < CLUSTERS; c += CLUSTERS_PER_NAMESPACE) {
      String from = namespace(c);
      for (ArchwayRoute r : client.resources(ArchwayRoute.class).inNamespace(from).list().getItems()) {
        r.getMetadata().setNamespace(ns);
        r.getSpec().setGatewayClusterRef(new LocalObjectRef("big"));
        routes.add(r);
      }
      for (ArchwayService s : client.resources(ArchwayService.class).inNamespace(from).list().getItems()) {
        s.getMetadata().setNamespace(ns);
        services.putIfAbsent(s.getMetadata().getName(), s);
      }
      for (Service s : client.services().inNamespace(from).list().getItems()) {
        s.getMetadata().setNamespace(ns);
        kubeServices.add(s);
      }
      for (EndpointSlice e : client.discovery().v1().endpointSlices().inNamespace(from).list().getItems()) {
        e.getMetadata().setNamespace(ns);
        slices.add(e);
      }
    }
    KubernetesEndpoints kube = new KubernetesEndpoints(kubeServices, slices);
    double[] timing = time(gc, routes, List.copyOf(services.values()), kube);
    Translation t = Translator.translate(gc, routes, List.copyOf(services.values()), kube);
    Stored stored = stored(client, GatewayNames.of(gc), t.config());
    System.out.printf("[bench] one cluster with all %d Routes (in memory, not applied): %d route rules, translate %.1f ms,"
            + " render %.1f ms, %s%n",
        routes.size(), t.config().routes().size(), timing[0], timing[1], stored);
  }

  /** Route write to the gateway process serving it, through operator, API server and ConfigMap watch. */
  static void measurePropagation(KubernetesClient client) throws Exception {
    String ns = namespace(0);
    await().atMost(Duration.ofSeconds(30)).until(() -> status("/probe/0") == 200);
    double[] latency = new double[WRITES];
    for (int i = 1; i <= WRITES; i++) {
      String path = "/probe/" + i;
      long start = System.nanoTime();
      Resources.edit(client, ArchwayRoute.class, ns, "probe", r -> {
        r.getSpec().getRules().get(0).getMatches().get(0).getPath().setValue(path);
        return r;
      });
      await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
          .until(() -> status(path) == 200);
      latency[i - 1] = (System.nanoTime() - start) / 1e6;
    }
    double[] sorted = latency.clone();
    Arrays.sort(sorted);
    System.out.printf("[bench] propagation Route write -> served by the gateway (%d writes, cluster of %d rules):"
            + " p50 %.0f ms, p99 %.0f ms, min %.0f ms, max %.0f ms%n",
        WRITES, expectedRules(0), percentile(sorted, 50), percentile(sorted, 99), sorted[0], sorted[sorted.length - 1]);
  }

  static double percentile(double[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  static int status(String path) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + POD_IP + ":" + LISTENER_PORT + path))
          .header("Host", PROBE_HOST).timeout(Duration.ofSeconds(2)).build();
      return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }
}
