package dev.archway.operator.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archway.operator.render.GatewayNames;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Asks gateway pods which config they have applied.
 *
 * <p>The reporting path: each gateway pod already says, on its readiness endpoint
 * ({@value #READINESS_PATH} on the container port named {@value #MANAGEMENT_PORT_NAME}), which
 * config version it runs (check {@value #CHECK_NAME}, data {@code version}) and whether it refused
 * the latest one (data {@code rejected}). The operator reads that endpoint at each pod's
 * {@code status.podIP}. The alternatives cost more: pods writing their version to the API (a
 * status ConfigMap, an annotation on their own Pod) would need write RBAC for every gateway pod
 * and an API write per pod per config change, and scraping metrics would need a metrics parser.
 * This way the gateway's Role stays "read its own ConfigMaps", and what the operator reports is
 * what the kubelet's readiness probe sees.
 *
 * <p>The reconcile thread never waits for a pod: {@link #observe} starts asynchronous requests
 * (short timeouts) and answers with the latest answers already received; the reconciler polls
 * again shortly while pods have not caught up.
 */
final class ConfigVersionProbe {

  static final String READINESS_PATH = "/q/health/ready";
  static final String MANAGEMENT_PORT_NAME = "management";
  static final String CHECK_NAME = "archway-config";
  static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  static final String UNKNOWN_ZONE = "unknown";
  /** Requests to one pod start at most this often. */
  static final Duration MIN_INTERVAL = Duration.ofMillis(500);
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(1))
      .version(HttpClient.Version.HTTP_1_1)
      .build();
  /** Latest answer per pod UID. */
  private final Map<String, Probe> probes = new ConcurrentHashMap<>();
  /** Pod UIDs per cluster as last observed, so that answers of deleted pods are dropped. */
  private final Map<Object, Set<String>> podsByCluster = new ConcurrentHashMap<>();

  /** What one pod said, or why it said nothing. */
  record Answer(String version, String rejected, String error) {}

  private static final class Probe {
    final String url;
    final AtomicBoolean inFlight = new AtomicBoolean();
    volatile long startedNanos;
    volatile Answer answer;

    Probe(String url) {
      this.url = url;
    }
  }

  /**
   * Reports on the pods of one cluster and starts fresh requests to them.
   *
   * @param cluster identifies the cluster
   * @param pods the cluster's gateway pods
   * @param zoneOfNode the zone label of a node by name, null when unknown
   */
  FleetSnapshot observe(Object cluster, List<Pod> pods, Function<String, String> zoneOfNode) {
    Set<String> uids = new HashSet<>();
    pods.forEach(p -> uids.add(p.getMetadata().getUid()));
    Set<String> before = podsByCluster.put(cluster, uids);
    if (before != null) {
      before.stream().filter(uid -> !uids.contains(uid)).forEach(probes::remove);
    }
    List<PodReport> reports = new ArrayList<>();
    for (Pod pod : pods) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
      String zone = node == null ? null : zoneOfNode.apply(node);
      zone = zone == null || zone.isBlank() ? UNKNOWN_ZONE : zone;
      String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      Answer answer = null;
      if (ip != null && !ip.isBlank()) {
        answer = ask(pod, ip);
      }
      reports.add(new PodReport(pod.getMetadata().getName(), zone, ready(pod), ip != null && !ip.isBlank(),
          answer == null ? null : answer.version(),
          answer == null ? null : answer.rejected(),
          answer == null ? null : answer.error(),
          answer != null && answer.error() == null));
    }
    return new FleetSnapshot(reports);
  }

  /** Forgets a cluster that is gone and what its pods said. */
  void forget(Object cluster) {
    Set<String> uids = podsByCluster.remove(cluster);
    if (uids != null) {
      uids.forEach(probes::remove);
    }
  }

  private Answer ask(Pod pod, String ip) {
    String url = "http://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + managementPort(pod) + READINESS_PATH;
    Probe probe = probes.compute(pod.getMetadata().getUid(),
        (uid, known) -> known != null && known.url.equals(url) ? known : new Probe(url));
    long now = System.nanoTime();
    if (now - probe.startedNanos >= MIN_INTERVAL.toNanos() && probe.inFlight.compareAndSet(false, true)) {
      probe.startedNanos = now;
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
          .header("Accept", "application/json").GET().build();
      http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .handle((response, error) -> {
            probe.answer = error != null
                ? new Answer(null, null, "readiness endpoint " + url + " unreachable: " + rootMessage(error))
                : parse(url, response.statusCode(), response.body());
            probe.inFlight.set(false);
            return null;
          });
    }
    return probe.answer;
  }

  /** The readiness JSON of SmallRye Health; answers 503 with the same data while not ready. */
  static Answer parse(String url, int status, String body) {
    try {
      JsonNode root = JSON.readTree(body);
      for (JsonNode check : root.path("checks")) {
        if (CHECK_NAME.equals(check.path("name").asText())) {
          JsonNode data = check.path("data");
          String version = data.hasNonNull("version") ? data.get("version").asText() : null;
          String rejected = data.hasNonNull("rejected") ? data.get("rejected").asText() : null;
          return new Answer(version, rejected, null);
        }
      }
      return new Answer(null, null, url + " answered " + status + " without the " + CHECK_NAME + " check");
    } catch (Exception e) {
      return new Answer(null, null, url + " answered " + status + " with no readiness JSON");
    }
  }

  static int managementPort(Pod pod) {
    if (pod.getSpec() != null && pod.getSpec().getContainers() != null) {
      for (var container : pod.getSpec().getContainers()) {
        for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
          if (MANAGEMENT_PORT_NAME.equals(port.getName()) && port.getContainerPort() != null) {
            return port.getContainerPort();
          }
        }
      }
    }
    return GatewayNames.MANAGEMENT_PORT;
  }

  static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String rootMessage(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
