package dev.archway.e2e.harness;

import dev.archway.operator.ArchwayOperator;
import dev.archway.operator.OperatorSettings;
import dev.archway.operator.demo.EchoUpstream;
import dev.archway.operator.testing.TestApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Kubernetes cluster made of local processes: an API server (kube-api-test's kube-apiserver
 * when its binaries exist, else fabric8's CRUD mock), the operator in-process, three Nodes in
 * zones a, b and c, the {@link PodController} running gateway pods as real processes on
 * 127.0.x.y, HAProxy in front of a Kubernetes Service, and real upstreams on loopback.
 */
public final class ProcessCluster implements AutoCloseable {

  public static final Path ROOT =
      Path.of(System.getProperty("archway.repo.root", "..")).toAbsolutePath().normalize();
  public static final List<String> ZONES = List.of("a", "b", "c");
  private static final AtomicInteger CLUSTERS = new AtomicInteger();

  private final String name;
  private final Path dir;
  private final TestApiServer api;
  private final KubernetesClient client;
  private final PodLauncher launcher;
  private final PodController pods;
  private Operator operator;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private ProcessCluster(String name, Path dir, TestApiServer api, PodLauncher launcher, PodController pods) {
    this.name = name;
    this.dir = dir;
    this.api = api;
    this.client = api.client();
    this.launcher = launcher;
    this.pods = pods;
  }

  /** Starts the API server, the operator and the pod controller; logs go under e2e/target/NAME. */
  public static ProcessCluster start(String name) throws Exception {
    Path dir = Files.createDirectories(ROOT.resolve("e2e/target/clusters/" + name));
    TestApiServer api = TestApiServer.start();
    api.installCrds(ROOT);
    List<PodController.Node> nodes = new ArrayList<>();
    for (String zone : ZONES) {
      var node = new PodController.Node("node-" + zone, zone);
      nodes.add(node);
      api.client().nodes().resource(new NodeBuilder().withNewMetadata().withName(node.name())
          .addToLabels(PodController.ZONE_KEY, zone).addToLabels("kubernetes.io/hostname", node.name()).endMetadata()
          .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
          .build()).create();
    }
    PodLauncher launcher = new PodLauncher(ROOT, api.clientEnv(), dir.resolve("pods"));
    // each cluster takes its own addresses, so that no two runs share a port on an address
    // the kubelet's own client: no retries and short timeouts, so that it notices an outage at once
    var kubeletClient = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
        new io.fabric8.kubernetes.client.ConfigBuilder(api.client().getConfiguration())
            .withRequestRetryBackoffLimit(0).withConnectionTimeout(1000).withRequestTimeout(2000).build()).build();
    PodController pods = new PodController(kubeletClient, launcher, nodes, 1 + (CLUSTERS.getAndIncrement() % 50) * 4);
    ProcessCluster cluster = new ProcessCluster(name, dir, api, launcher, pods);
    cluster.startOperator();
    pods.start();
    System.out.println("[cluster] " + name + ": API server " + api.kind() + ", nodes " + nodes);
    return cluster;
  }

  public void startOperator() {
    operator = ArchwayOperator.create(client, OperatorSettings.defaults());
    operator.start();
  }

  public KubernetesClient client() {
    return client;
  }

  public TestApiServer api() {
    return api;
  }

  public PodController pods() {
    return pods;
  }

  public PodLauncher launcher() {
    return launcher;
  }

  public Path dir() {
    return dir;
  }

  public void createNamespace(String ns) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
  }

  /** A real HTTP server on 127.0.0.1 that answers every request naming itself; closed with the cluster. */
  public EchoUpstream upstream(String upstreamName) throws Exception {
    EchoUpstream u = new EchoUpstream("127.0.0.1", 0, upstreamName);
    closeables.add(u);
    return u;
  }

  /**
   * HAProxy on 127.0.0.1:{@code port} in front of the Kubernetes Service {@code ns/service}
   * (written by the operator): its endpoints are the ready, not terminating pods its selector
   * matches, whatever Deployment they belong to, on the container port its first port targets.
   */
  public HaproxyLoadBalancer loadBalancer(String ns, String service, int port) throws Exception {
    var svc = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> client.services().inNamespace(ns).withName(service).get(), s -> s != null);
    Map<String, String> selector = svc.getSpec().getSelector();
    String targetPort = svc.getSpec().getPorts().get(0).getTargetPort().getStrVal();
    var deployment = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> client.apps().deployments().inNamespace(ns).list().getItems(), l -> !l.isEmpty()).get(0);
    HaproxyLoadBalancer lb = HaproxyLoadBalancer.start(dir.resolve("lb-" + service), port,
        PodLauncher.containerPort(deployment, targetPort), PodLauncher.managementPort(deployment));
    closeables.add(lb);
    pods.onPodsChanged(all -> {
      if (!pods.apiReachable()) {
        // with the API server away nothing updates endpoints: the load balancer keeps the last
        // list and only its own health checks take a server out, as kube-proxy and a cloud LB do
        return;
      }
      Map<String, String> endpoints = new LinkedHashMap<>();
      for (var p : all) {
        if (p.ready() && !p.terminating() && p.namespace.equals(ns)
            && p.labels().entrySet().containsAll(selector.entrySet())) {
          endpoints.put(p.name(), p.ip());
        }
      }
      lb.setEndpoints(endpoints);
    });
    return lb;
  }

  /** Waits until {@code count} pods run the current template of a Deployment, all ready, and no other remains. */
  public List<PodController.RunningPod> awaitRolledOut(String ns, String deployment, int count, Duration timeout) {
    return org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
      var d = client.apps().deployments().inNamespace(ns).withName(deployment).get();
      if (d == null) {
        return null;
      }
      String hash = PodController.templateHash(d);
      var all = pods.pods(p -> p.namespace.equals(ns) && p.deployment().equals(deployment));
      boolean done = all.size() == count && all.stream().allMatch(p -> p.ready() && p.hash().equals(hash));
      return done ? all : null;
    }, l -> l != null);
  }

  /** Stops the operator and the API server (the control plane outage); pods keep running. */
  public void stopControlPlane() throws Exception {
    operator.stop();
    operator = null;
    api.close();
  }

  @Override
  public void close() throws Exception {
    if (operator != null) {
      operator.stop();
    }
    pods.close();
    for (AutoCloseable c : reversed(closeables)) {
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("[cluster] close " + c + ": " + e);
      }
    }
    try {
      api.close();
    } catch (Exception e) {
      // already stopped by an outage scenario
    }
    System.out.println("[cluster] " + name + " stopped");
  }

  private static <T> List<T> reversed(List<T> list) {
    List<T> r = new ArrayList<>(list);
    java.util.Collections.reverse(r);
    return r;
  }
}
