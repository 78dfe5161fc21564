package dev.archway.operator.testing;

import com.sun.net.httpserver.HttpServer;
import dev.archway.operator.render.GatewayNames;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A gateway pod as the API and the operator see it: a Pod object with the pod template's labels,
 * a node, a pod IP on 127.0.0.x and a Ready condition, and a real HTTP server at that IP serving
 * the readiness JSON a gateway serves ({@code /q/health/ready} on the port named
 * {@code management}), with the config version the test sets.
 */
public final class FakeGatewayPod implements AutoCloseable {

  private final HttpServer server;
  private final AtomicReference<String> version = new AtomicReference<>();
  private final AtomicReference<String> rejected = new AtomicReference<>();
  private final String ip;

  private FakeGatewayPod(String ip) throws IOException {
    this.ip = ip;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(ip), 0), 16);
    server.createContext("/q/health/ready", exchange -> {
      String v = version.get();
      String r = rejected.get();
      String data = v == null ? "{\"reason\":\"no config applied yet\"}"
          : "{\"version\":\"" + v + "\",\"source\":\"ConfigMap test\",\"appliedAt\":\"" + Instant.now()
              + "\",\"listeners\":\"http:8080\"" + (r == null ? "" : ",\"rejected\":\"" + r + "\"") + "}";
      String status = v == null ? "DOWN" : "UP";
      byte[] body = ("{\"status\":\"" + status + "\",\"checks\":[{\"name\":\"archway-config\",\"status\":\""
          + status + "\",\"data\":" + data + "}]}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(v == null ? 503 : 200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  /** Starts the readiness server on a loopback address such as 127.0.0.2. */
  public static FakeGatewayPod start(String ip) {
    try {
      return new FakeGatewayPod(ip);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The config version the pod reports having applied; null: none yet. */
  public FakeGatewayPod reports(String configVersion) {
    version.set(configVersion);
    return this;
  }

  /** The message of a config the pod refused; null: none. */
  public FakeGatewayPod rejects(String message) {
    rejected.set(message);
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** A Pod of the cluster's Deployment on the given node, ready or not, pointing at this server. */
  public Pod pod(String ns, String cluster, String name, String node, boolean ready) {
    return new PodBuilder()
        .withNewMetadata().withNamespace(ns).withName(name)
        .withLabels(new GatewayNames(cluster, ns).labels()).endMetadata()
        .withNewSpec().withNodeName(node)
        .addNewContainer().withName("gateway").withImage("archway-gateway")
        .addNewPort().withName("http").withContainerPort(8080).endPort()
        .addNewPort().withName("management").withContainerPort(port()).endPort()
        .endContainer().endSpec()
        .withNewStatus().withPhase("Running").withPodIP(ip)
        .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
        .endStatus()
        .build();
  }

  /** A Node in a zone; null zone: a node without the zone label. */
  public static Node node(String name, String zone) {
    var meta = new NodeBuilder().withNewMetadata().withName(name);
    if (zone != null) {
      meta.addToLabels("topology.kubernetes.io/zone", zone);
    }
    return meta.endMetadata().build();
  }

  /** Creates the Pod in the API. */
  public Pod create(KubernetesClient client, String ns, String cluster, String name, String node, boolean ready) {
    return client.resource(pod(ns, cluster, name, node, ready)).create();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
