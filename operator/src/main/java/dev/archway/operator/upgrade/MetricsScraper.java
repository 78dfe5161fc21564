package dev.archway.operator.upgrade;

import dev.archway.operator.render.GatewayNames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads /q/metrics from the management port of gateway pods, all pods at once, each bounded in time. */
public final class MetricsScraper {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsScraper.class);
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  /** Metrics of every pod that answered, by pod name; a pod that does not answer is left out and logged. */
  public Map<String, PodMetrics> scrape(List<Pod> pods) {
    Map<String, CompletableFuture<PodMetrics>> pending = new HashMap<>();
    for (Pod pod : pods) {
      URI uri = URI.create("http://" + hostOf(pod.getStatus().getPodIP()) + ":" + managementPort(pod) + "/q/metrics");
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
          .header("Accept", "text/plain; version=0.0.4").GET().build();
      pending.put(pod.getMetadata().getName(), http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .thenApply(r -> {
            if (r.statusCode() != 200) {
              throw new IllegalStateException(uri + " answered " + r.statusCode());
            }
            return PodMetrics.parse(r.body());
          }));
    }
    Map<String, PodMetrics> result = new HashMap<>();
    pending.forEach((name, future) -> {
      try {
        result.put(name, future.join());
      } catch (RuntimeException e) {
        LOG.warn("could not read the metrics of pod {}: {}", name, e.getMessage());
      }
    });
    return result;
  }

  private static String hostOf(String ip) {
    return ip.contains(":") ? "[" + ip + "]" : ip;
  }

  /** The container port named {@code management}, else the gateway's default. */
  static int managementPort(Pod pod) {
    for (Container c : pod.getSpec() == null ? List.<Container>of() : pod.getSpec().getContainers()) {
      for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
        if ("management".equals(p.getName()) && p.getContainerPort() != null) {
          return p.getContainerPort();
        }
      }
    }
    return GatewayNames.MANAGEMENT_PORT;
  }
}
