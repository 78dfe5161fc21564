package dev.archway.e2e.harness;

import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.Listener;
import dev.archway.operator.testing.Resources;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;

/**
 * The fixture of most scenarios: one GatewayCluster of three pods in its own namespace, a Route
 * {@code stable.example.com/} to a real upstream, HAProxy in front of the cluster's Kubernetes
 * Service, and a way to put fixed-rate load on it.
 */
public final class Fleet {

  public static final String HOST = "stable.example.com";
  public static final int LISTENER_PORT = 18080;
  public static final String CLUSTER = "edge";
  public static final String DEPLOYMENT = CLUSTER + "-gateway";

  public final ProcessCluster cluster;
  public final String namespace;
  public final HaproxyLoadBalancer lb;
  public final Vertx vertx = Vertx.vertx();

  private Fleet(ProcessCluster cluster, String namespace, HaproxyLoadBalancer lb) {
    this.cluster = cluster;
    this.namespace = namespace;
    this.lb = lb;
  }

  /** Deploys the fleet and waits until every pod is ready and in the load balancer. */
  public static Fleet deploy(ProcessCluster cluster, String namespace, int replicas, int lbPort) throws Exception {
    cluster.createNamespace(namespace);
    var upstream = cluster.upstream(namespace + "-upstream");
    GatewayCluster gc = Resources.cluster(namespace, CLUSTER);
    gc.getSpec().setReplicas(replicas);
    gc.getSpec().setImage("archway/gateway:1.0.0");
    gc.getSpec().setListeners(List.of(new Listener("http", LISTENER_PORT)));
    var client = cluster.client();
    client.resource(gc).create();
    var echo = Resources.service(namespace, "echo", upstream.port());
    // The upstream (the JDK's HTTP server) closes a keep-alive connection idle for 30-40 s; the
    // gateway's pool keeps one 60 s by default. A pooled connection reused just as the upstream
    // closes it fails that request (502): a misconfiguration, as with nginx's keepalive_timeout
    // longer than the upstream's. Configured as an operator would: the gateway lets go first.
    var timeouts = new dev.archway.api.v1alpha1.Timeouts();
    timeouts.setIdle("20s");
    echo.getSpec().setTimeouts(timeouts);
    client.resource(echo).create();
    client.resource(Resources.route(namespace, "stable", CLUSTER, HOST, "/", "echo")).create();
    HaproxyLoadBalancer lb = cluster.loadBalancer(namespace, DEPLOYMENT, lbPort);
    Fleet fleet = new Fleet(cluster, namespace, lb);
    cluster.awaitRolledOut(namespace, DEPLOYMENT, replicas, Duration.ofSeconds(120));
    fleet.awaitLoadBalancerUp(replicas, Duration.ofSeconds(30));
    // fresh JVMs answer slowly for their first few hundred requests; scenarios measure after that
    fleet.load(100, Duration.ofSeconds(4)).awaitResult();
    return fleet;
  }

  /** Waits until HAProxy has exactly {@code count} servers and has checked all of them UP. */
  public void awaitLoadBalancerUp(int count, Duration timeout) {
    org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
      var states = lb.serverStates();
      return states.size() == count && states.values().stream().allMatch("UP"::equals);
    });
  }

  /** Load on the stable route through HAProxy, started. */
  public LoadGenerator load(int ratePerSecond, Duration maxDuration) {
    return new LoadGenerator(vertx, "127.0.0.1", lb.port(), HOST, "/load", ratePerSecond, maxDuration,
        ratePerSecond * (maxDuration.toSeconds() + 1)).start();
  }

  public List<PodController.RunningPod> pods() {
    return cluster.pods().pods(p -> p.namespace.equals(namespace) && !p.terminating());
  }

  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
