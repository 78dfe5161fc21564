package dev.archway.operator.upgrade;

import dev.archway.api.v1alpha1.CanaryAnalysisSpec;
import dev.archway.api.v1alpha1.CanaryStep;
import dev.archway.api.v1alpha1.Durations;
import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.UpgradeStatus;
import dev.archway.api.v1alpha1.UpgradeStrategy;
import dev.archway.model.ListenerConfig;
import dev.archway.operator.render.GatewayNames;
import dev.archway.operator.render.Workload;
import dev.archway.operator.render.WorkloadRenderer;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The canary upgrade of one operator: observes the Deployments and pods, runs the analysis when
 * it is due, asks {@link CanaryStateMachine} what to do, and writes the canary Deployment.
 *
 * <p>The only state kept in memory is the last scrape of each running canary, the baseline of
 * the next analysis; an operator that restarts takes a new baseline and judges one interval later.
 */
public final class CanaryUpgrade {

  /** Annotation that aborts a running canary: {@code kubectl annotate gatewaycluster NAME archway.dev/abort-upgrade=true}. */
  public static final String ABORT_ANNOTATION = "archway.dev/abort-upgrade";
  /** Hash of the canary Deployment's spec as rendered, to tell a needed update from server defaults. */
  static final String RENDERED_HASH_ANNOTATION = "archway.dev/rendered-hash";
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  static final double DEFAULT_MIN_SUCCESS_RATE = 0.99;
  static final long DEFAULT_MIN_REQUESTS = 50;
  private static final Logger LOG = LoggerFactory.getLogger(CanaryUpgrade.class);

  private final MetricsScraper scraper = new MetricsScraper();
  private final Map<String, Baseline> baselines = new ConcurrentHashMap<>();
  /**
   * status.upgrade as this operator last decided it: the informer's copy of the GatewayCluster
   * may not show the own latest status write yet, and a decision must never be taken twice.
   */
  private final Map<String, UpgradeStatus> decided = new ConcurrentHashMap<>();

  private record Baseline(String canaryImage, Instant at, CanaryAnalysis.Scrape scrape) {}

  /**
   * A decision and when to look again.
   *
   * @param decision what the state machine decided
   * @param wakeUpAfter when to reconcile again without any change; null when not needed
   * @param abortAnnotationPresent the annotation is there and must be removed
   * @param canarySeen the informer knows a canary Deployment
   */
  public record Plan(CanaryStateMachine.Decision decision, Duration wakeUpAfter, boolean abortAnnotationPresent,
      boolean canarySeen) {
    private static final String KEY = Plan.class.getName();

    public void putInto(io.javaoperatorsdk.operator.api.reconciler.Context<?> context) {
      context.managedWorkflowAndDependentResourceContext().put(KEY, this);
    }

    /** The stable Deployment's image and pods as the plan in this reconciliation has them. */
    public static Workload stableWorkload(io.javaoperatorsdk.operator.api.reconciler.Context<?> context) {
      return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, Plan.class).decision().stable();
    }
  }

  public Plan plan(KubernetesClient client, GatewayCluster cluster, Collection<Deployment> deployments,
      String desiredImage, Instant now) {
    GatewayNames names = GatewayNames.of(cluster);
    UpgradeStrategy upgrade = cluster.getSpec().getUpgrade();
    boolean canaryStrategy = upgrade != null && upgrade.getStrategy() == UpgradeStrategy.Strategy.Canary
        && upgrade.getCanary() != null;
    List<CanaryStep> steps = canaryStrategy ? upgrade.getCanary().getSteps() : List.of();
    CanaryAnalysisSpec analysis = canaryStrategy ? upgrade.getCanary().getAnalysis() : null;
    Deployment stable = find(deployments, names.gateway());
    Deployment canary = find(deployments, names.canaryDeployment());
    String key = names.namespace() + "/" + names.cluster();
    UpgradeStatus previous = decided.containsKey(key) ? decided.get(key)
        : cluster.getStatus() == null ? null : cluster.getStatus().getUpgrade();
    boolean abort = cluster.getMetadata().getAnnotations() != null
        && cluster.getMetadata().getAnnotations().containsKey(ABORT_ANNOTATION);
    int replicas = cluster.getSpec().getReplicas() == null ? 3 : cluster.getSpec().getReplicas();

    CanaryAnalysis.Verdict verdict = null;
    Duration analysisWake = null;
    boolean judging = canaryStrategy && previous != null && canary != null
        && (CanaryStateMachine.PROGRESSING.equals(previous.getPhase())
            || CanaryStateMachine.PAUSED.equals(previous.getPhase()))
        && Objects.equals(previous.getCanaryImage(), desiredImage)
        && Objects.equals(image(canary), previous.getCanaryImage());
    if (judging) {
      Duration interval = Duration.ofMillis(Durations.toMillis(analysis == null ? null : analysis.getInterval(),
          DEFAULT_INTERVAL.toMillis()));
      Baseline baseline = baselines.get(key);
      if (baseline == null || !baseline.canaryImage().equals(desiredImage)) {
        baselines.put(key, new Baseline(desiredImage, now, scrape(client, names)));
        analysisWake = interval;
      } else {
        Duration age = Duration.between(baseline.at(), now);
        if (age.compareTo(interval) >= 0) {
          CanaryAnalysis.Scrape latest = scrape(client, names);
          verdict = CanaryAnalysis.judge(baseline.scrape(), latest, thresholds(analysis));
          LOG.info("canary analysis of {} ({}): {}", key, desiredImage, verdict.reason());
          baselines.put(key, new Baseline(desiredImage, now, latest));
          analysisWake = interval;
        } else {
          analysisWake = interval.minus(age);
        }
      }
    } else {
      baselines.remove(key);
    }

    Duration deadline = Duration.ofMillis(Durations.toMillis(canaryStrategy ? upgrade.getCanary().getProgressDeadline() : null,
        CanaryStateMachine.DEFAULT_PROGRESS_DEADLINE.toMillis()));
    var decision = CanaryStateMachine.decide(new CanaryStateMachine.Observation(
        canaryStrategy, steps, deadline, upgrade != null && Boolean.TRUE.equals(upgrade.getPaused()), abort,
        desiredImage, replicas, state(stable), state(canary), previous, verdict, now));
    if (!decision.active()) {
      baselines.remove(key);
    }
    if (decision.status() != null) {
      decided.put(key, decision.status());
    }
    Duration wake = decision.wakeUpAfter();
    if (decision.active() && analysisWake != null && (wake == null || analysisWake.compareTo(wake) < 0)) {
      wake = analysisWake;
    }
    return new Plan(decision, wake, abort, canary != null);
  }

  /** Creates, updates or deletes the canary Deployment as planned, and takes the abort annotation away once acted on. */
  public void apply(KubernetesClient client, GatewayCluster cluster, List<ListenerConfig> listeners, Plan plan) {
    GatewayNames names = GatewayNames.of(cluster);
    var deployments = client.apps().deployments().inNamespace(names.namespace());
    Workload canary = plan.decision().canary();
    if (canary == null) {
      if (plan.canarySeen()) {
        deployments.withName(names.canaryDeployment()).delete();
      }
    } else {
      Deployment existing = deployments.withName(names.canaryDeployment()).get();
      Deployment desired = WorkloadRenderer.deployment(cluster, listeners, canary);
      // the API server adds defaults to a pod template: compare what was rendered, by its hash
      String hash = Integer.toHexString(client.getKubernetesSerialization().asJson(desired.getSpec()).hashCode());
      desired.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(RENDERED_HASH_ANNOTATION, hash)));
      if (existing == null) {
        desired.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
            .withApiVersion(cluster.getApiVersion()).withKind(cluster.getKind())
            .withName(cluster.getMetadata().getName()).withUid(cluster.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).build()));
        deployments.resource(desired).create();
      } else if (existing.getMetadata().getAnnotations() == null
          || !hash.equals(existing.getMetadata().getAnnotations().get(RENDERED_HASH_ANNOTATION))) {
        deployments.withName(names.canaryDeployment()).edit(d -> {
          d.getMetadata().setAnnotations(new java.util.HashMap<>(
              d.getMetadata().getAnnotations() == null ? Map.of() : d.getMetadata().getAnnotations()));
          d.getMetadata().getAnnotations().put(RENDERED_HASH_ANNOTATION, hash);
          d.getSpec().setReplicas(desired.getSpec().getReplicas());
          d.getSpec().setTemplate(desired.getSpec().getTemplate());
          return d;
        });
      }
    }
    if (plan.abortAnnotationPresent()) {
      try {
        client.resources(GatewayCluster.class).inNamespace(names.namespace()).withName(names.cluster())
            .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"remove\",\"path\":\"/metadata/annotations/"
                + ABORT_ANNOTATION.replace("~", "~0").replace("/", "~1") + "\"}]");
      } catch (KubernetesClientException e) {
        // already removed by someone else: nothing left to do
        LOG.debug("abort annotation of {} not removed: {}", names.cluster(), e.getMessage());
      }
    }
  }

  /** Forgets a deleted cluster. */
  public void forget(GatewayCluster cluster) {
    GatewayNames names = GatewayNames.of(cluster);
    baselines.remove(names.namespace() + "/" + names.cluster());
    decided.remove(names.namespace() + "/" + names.cluster());
  }

  private CanaryAnalysis.Scrape scrape(KubernetesClient client, GatewayNames names) {
    List<Pod> pods = client.pods().inNamespace(names.namespace()).withLabels(names.selector()).list().getItems()
        .stream().filter(CanaryUpgrade::servesTraffic).toList();
    Map<String, PodMetrics> all = scraper.scrape(pods);
    Map<String, PodMetrics> canary = new HashMap<>();
    Map<String, PodMetrics> stable = new HashMap<>();
    for (Pod pod : pods) {
      PodMetrics m = all.get(pod.getMetadata().getName());
      if (m != null) {
        boolean isCanary = pod.getMetadata().getLabels() != null
            && "canary".equals(pod.getMetadata().getLabels().get(GatewayNames.TRACK_LABEL));
        (isCanary ? canary : stable).put(pod.getMetadata().getName(), m);
      }
    }
    return new CanaryAnalysis.Scrape(canary, stable);
  }

  /** Ready, not terminating, with an address: the pods behind the Service. */
  static boolean servesTraffic(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
        && pod.getStatus().getPodIP() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static CanaryAnalysis.Thresholds thresholds(CanaryAnalysisSpec spec) {
    if (spec == null) {
      return new CanaryAnalysis.Thresholds(DEFAULT_MIN_SUCCESS_RATE, null, DEFAULT_MIN_REQUESTS);
    }
    return new CanaryAnalysis.Thresholds(
        spec.getMinSuccessRate() == null ? DEFAULT_MIN_SUCCESS_RATE : spec.getMinSuccessRate(),
        spec.getMaxP99Latency() == null || spec.getMaxP99Latency().isBlank() ? null
            : (double) Durations.toMillis(spec.getMaxP99Latency(), 0),
        spec.getMinRequests() == null ? DEFAULT_MIN_REQUESTS : spec.getMinRequests());
  }

  private static Deployment find(Collection<Deployment> deployments, String name) {
    return deployments.stream().filter(d -> name.equals(d.getMetadata().getName())).findFirst().orElse(null);
  }

  private static String image(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private static CanaryStateMachine.DeploymentState state(Deployment d) {
    if (d == null) {
      return null;
    }
    var s = d.getStatus();
    int ready = s == null || s.getReadyReplicas() == null ? 0 : s.getReadyReplicas();
    int updated = s == null || s.getUpdatedReplicas() == null ? 0 : s.getUpdatedReplicas();
    boolean caughtUp = s != null && Objects.equals(s.getObservedGeneration(), d.getMetadata().getGeneration());
    return new CanaryStateMachine.DeploymentState(image(d),
        d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas(), ready, updated, caughtUp);
  }
}
