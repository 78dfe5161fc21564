package dev.archway.operator.testing;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a Deployment controller and the kubelet would do, for one namespace of the mock API
 * server: every Deployment gets as many ready Pods as it asks for, each Pod is a small real HTTP
 * server on its own 127.0.0.x address serving /q/metrics on the port its spec names
 * {@code management}, and the Deployment's status reports them. A traffic clock counts requests
 * into each pod as its image behaves: a share of 5xx answers at some latency.
 */
public final class FakeGatewayPods implements AutoCloseable {

  /** How a gateway image answers: the share of 5xx and the latency of every answer. */
  public record Behaviour(double errorShare, long latencyMillis) {}

  private static final AtomicInteger NEXT_IP = new AtomicInteger(2);
  private static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
  static final String OWNER_LABEL = "test.archway.dev/deployment";

  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, List<FakePod>> podsByDeployment = new ConcurrentHashMap<>();
  private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "fake-gateway-pods");
    t.setDaemon(true);
    return t;
  });

  /** A pod: its name, image and the counters its metrics endpoint serves. */
  private final class FakePod {
    final String name;
    final String image;
    final HttpServer server;
    final String ip;
    final AtomicLong ok = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final long[] buckets = new long[BOUNDS.length];
    double sumSeconds;

    FakePod(String name, String image) {
      this.name = name;
      this.image = image;
      this.ip = "127.0.0." + (NEXT_IP.getAndIncrement() % 250 + 2);
      try {
        server = HttpServer.create(new InetSocketAddress(ip, 0), 16);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server.createContext("/q/metrics", exchange -> {
        byte[] body = exposition().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      server.start();
    }

    synchronized void answer(int requests) {
      Behaviour b = behaviours.getOrDefault(image, new Behaviour(0, 10));
      long bad = Math.round(requests * b.errorShare());
      errors.addAndGet(bad);
      ok.addAndGet(requests - bad);
      double seconds = b.latencyMillis() / 1000.0;
      for (int i = 0; i < BOUNDS.length; i++) {
        if (seconds <= BOUNDS[i]) {
          buckets[i] += requests;
        }
      }
      sumSeconds += seconds * requests;
    }

    /** The gateway's text format (see testdata/analysis/*.prom, written by the gateway's own meters). */
    synchronized String exposition() {
      StringBuilder s = new StringBuilder();
      s.append("# TYPE archway_requests_total counter\n");
      s.append("archway_requests_total{route=\"default/web\",status=\"2xx\",} ").append((double) ok.get()).append('\n');
      s.append("archway_requests_total{route=\"default/web\",status=\"5xx\",} ").append((double) errors.get()).append('\n');
      s.append("# TYPE archway_request_duration_seconds histogram\n");
      for (int i = 0; i < BOUNDS.length; i++) {
        s.append("archway_request_duration_seconds_bucket{route=\"default/web\",le=\"").append(BOUNDS[i])
            .append("\",} ").append((double) buckets[i]).append('\n');
      }
      long total = ok.get() + errors.get();
      s.append("archway_request_duration_seconds_bucket{route=\"default/web\",le=\"+Inf\",} ").append((double) total).append('\n');
      s.append("archway_request_duration_seconds_count{route=\"default/web\",} ").append((double) total).append('\n');
      s.append(String.format(Locale.ROOT, "archway_request_duration_seconds_sum{route=\"default/web\",} %f%n", sumSeconds));
      return s.toString();
    }
  }

  public FakeGatewayPods(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    clock.scheduleWithFixedDelay(this::converge, 0, 150, TimeUnit.MILLISECONDS);
    // 10 requests per pod every 100 ms: about 100 per pod and second
    clock.scheduleWithFixedDelay(() -> podsByDeployment.values().forEach(l -> List.copyOf(l).forEach(p -> p.answer(10))),
        100, 100, TimeUnit.MILLISECONDS);
  }

  /** Makes pods of this image answer like this. */
  public FakeGatewayPods behave(String image, Behaviour behaviour) {
    behaviours.put(image, behaviour);
    return this;
  }

  /** Names of the pods running now of a Deployment, and their images. */
  public Map<String, String> pods(String deployment) {
    Map<String, String> m = new HashMap<>();
    podsByDeployment.getOrDefault(deployment, List.of()).forEach(p -> m.put(p.name, p.image));
    return m;
  }

  private synchronized void converge() {
    try {
      List<Deployment> deployments = client.apps().deployments().inNamespace(namespace).list().getItems();
      for (Deployment d : deployments) {
        converge(d);
      }
      for (String gone : new ArrayList<>(podsByDeployment.keySet())) {
        if (deployments.stream().noneMatch(d -> d.getMetadata().getName().equals(gone))) {
          for (FakePod p : podsByDeployment.remove(gone)) {
            delete(p);
          }
        }
      }
    } catch (KubernetesClientException | IllegalStateException e) {
      // the API server is going away at the end of a test; the next round tries again
    }
  }

  private void converge(Deployment d) {
    String name = d.getMetadata().getName();
    int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    List<FakePod> pods = podsByDeployment.computeIfAbsent(name, n -> new ArrayList<>());
    // a rolling update that is over at once: old pods go, new pods come
    for (FakePod p : List.copyOf(pods)) {
      if (!p.image.equals(image) || pods.size() > want) {
        pods.remove(p);
        delete(p);
      }
    }
    while (pods.size() < want) {
      FakePod p = new FakePod(name + "-" + Long.toHexString(System.nanoTime() & 0xffffff), image);
      Map<String, String> labels = new HashMap<>(d.getSpec().getTemplate().getMetadata().getLabels());
      labels.put(OWNER_LABEL, name);
      Pod pod = new PodBuilder()
          .withNewMetadata().withName(p.name).withNamespace(namespace).withLabels(labels).endMetadata()
          .withNewSpec().addNewContainer().withName("gateway").withImage(image)
          .addNewPort().withName("management").withContainerPort(p.server.getAddress().getPort()).endPort()
          .endContainer().endSpec()
          .withNewStatus().withPhase("Running").withPodIP(p.ip)
          .addNewCondition().withType("Ready").withStatus("True").endCondition()
          .endStatus()
          .build();
      Pod created = client.pods().inNamespace(namespace).resource(pod).create();
      if (created.getStatus() == null || created.getStatus().getPodIP() == null) {
        client.pods().inNamespace(namespace).withName(p.name).editStatus(x -> {
          x.setStatus(pod.getStatus());
          return x;
        });
      }
      pods.add(p);
    }
    var status = new DeploymentStatusBuilder()
        .withObservedGeneration(d.getMetadata().getGeneration())
        .withReplicas(want).withReadyReplicas(want).withUpdatedReplicas(want).withAvailableReplicas(want)
        .build();
    if (!Objects.equals(d.getStatus(), status)) {
      client.apps().deployments().inNamespace(namespace).withName(name).editStatus(x -> {
        x.setStatus(status);
        return x;
      });
    }
  }

  private void delete(FakePod p) {
    p.server.stop(0);
    client.pods().inNamespace(namespace).withName(p.name).delete();
  }

  @Override
  public void close() {
    clock.shutdownNow();
    try {
      clock.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // pods without their servers would only be scraped in vain
    podsByDeployment.values().forEach(l -> l.forEach(p -> {
      try {
        delete(p);
      } catch (KubernetesClientException e) {
        p.server.stop(0);
      }
    }));
  }
}
