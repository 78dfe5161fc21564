package dev.archway.operator.reconciler;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.ArchwayService;
import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.GatewayClusterStatus;
import dev.archway.operator.OperatorSettings;
import dev.archway.operator.render.GatewayNames;
import dev.archway.operator.translate.KubernetesEndpoints;
import dev.archway.operator.translate.Translation;
import dev.archway.operator.translate.Translator;
import dev.archway.operator.render.ConfigMapRenderer;
import dev.archway.operator.translate.RouteVerdict;
import dev.archway.operator.upgrade.CanaryStateMachine;
import dev.archway.operator.upgrade.CanaryUpgrade;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Duration;
import java.util.Map;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconciles a GatewayCluster: translate its Routes and Services into a config, render the
 * objects it owns, and report status. The workflow is invoked explicitly so that the
 * translation runs once and every dependent renders from the same result.
 */
@ControllerConfiguration(name = GatewayClusterReconciler.NAME)
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "service-account", type = Dependents.ServiceAccountDependent.class),
      @Dependent(name = "role", type = Dependents.RoleDependent.class),
      @Dependent(
          name = "role-binding",
          type = Dependents.RoleBindingDependent.class,
          dependsOn = {"service-account", "role"}),
      @Dependent(name = "config-shards", type = Dependents.ConfigShardsDependent.class),
      // the manifest last: its shards exist and the Role lets the pods read them
      @Dependent(
          name = "config",
          type = Dependents.ConfigMapDependent.class,
          dependsOn = {"config-shards", "role"}),
      @Dependent(
          name = "deployment",
          type = Dependents.DeploymentDependent.class,
          dependsOn = {"config", "role-binding"}),
      @Dependent(name = "service", type = Dependents.ServiceDependent.class),
      @Dependent(name = "disruption-budget", type = Dependents.PodDisruptionBudgetDependent.class)
    })
public class GatewayClusterReconciler implements Reconciler<GatewayCluster>, Cleaner<GatewayCluster> {

  public static final String NAME = "gatewaycluster";
  /** Labels every gateway pod carries (the pod template's), whatever its cluster. */
  static final String GATEWAY_PODS = "app.kubernetes.io/name=archway-gateway";
  /** How often pods are asked again while ready pods have not applied the desired config. */
  static final Duration POLL = Duration.ofSeconds(1);
  /** How often pods are asked again while every lagging pod fails to answer. */
  static final Duration SLOW_POLL = Duration.ofSeconds(10);

  private static final String KUBERNETES_SERVICES = "kubernetes-services";
  private static final String ENDPOINT_SLICES = "endpoint-slices";

  private final OperatorSettings settings;
  private final RouteStatusWriter routeStatus = new RouteStatusWriter();
  private final ConfigMapRenderer.Limits limits;
  private final ConfigVersionProbe probe = new ConfigVersionProbe();
  private final ConfigHistory history = new ConfigHistory();
  private final CanaryUpgrade upgrade = new CanaryUpgrade();

  public GatewayClusterReconciler(OperatorSettings settings) {
    this.settings = settings;
    this.limits = ConfigMapRenderer.Limits.fromEnvironment(System.getenv());
  }

  @Override
  public List<EventSource<?, GatewayCluster>> prepareEventSources(EventSourceContext<GatewayCluster> context) {
    var routes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ArchwayRoute.class, GatewayCluster.class)
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(
                    (ArchwayRoute r) ->
                        r.getSpec() == null || r.getSpec().getGatewayClusterRef() == null
                            ? Set.of()
                            : Set.of(new ResourceID(
                                r.getSpec().getGatewayClusterRef().getName(), r.getMetadata().getNamespace())))
                .build(),
            context);
    // A Service may serve routes of any cluster in its namespace: re-translate all of them.
    var services =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ArchwayService.class, GatewayCluster.class)
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(
                    (ArchwayService s) ->
                        context.getPrimaryCache().list(s.getMetadata().getNamespace())
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    // Kubernetes Services and their EndpointSlices: re-translate the clusters whose Routes use a
    // Service (archway.dev) that names them, so targets follow pods as they come and go.
    var kubernetesServices =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Service.class, GatewayCluster.class)
                .withName(KUBERNETES_SERVICES)
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(
                    (Service s) -> clustersUsing(routes, services, s.getMetadata().getNamespace(),
                        s.getMetadata().getName()))
                .build(),
            context);
    var endpointSlices =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(EndpointSlice.class, GatewayCluster.class)
                .withName(ENDPOINT_SLICES)
                .withNamespacesInheritedFromController()
                .withLabelSelector(KubernetesEndpoints.SERVICE_NAME_LABEL)
                .withSecondaryToPrimaryMapper(
                    (EndpointSlice e) -> clustersUsing(routes, services, e.getMetadata().getNamespace(),
                        e.getMetadata().getLabels().get(KubernetesEndpoints.SERVICE_NAME_LABEL)))
                .build(),
            context);
    // gateway pods of every cluster; a pod's readiness or address changing re-reconciles its cluster
    var pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, GatewayCluster.class)
                .withNamespacesInheritedFromController()
                .withLabelSelector(GATEWAY_PODS)
                .withSecondaryToPrimaryMapper(
                    (Pod p) -> {
                      String cluster = p.getMetadata().getLabels() == null ? null
                          : p.getMetadata().getLabels().get(GatewayNames.CLUSTER_LABEL);
                      return cluster == null ? Set.of() : Set.of(new ResourceID(cluster, p.getMetadata().getNamespace()));
                    })
                .build(),
            context);
    // nodes only for their zone label, read from the cache when a cluster is reconciled
    var nodes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Node.class, GatewayCluster.class)
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper((Node n) -> Set.of())
                .build(),
            context);
    return List.of(routes, services, kubernetesServices, endpointSlices, pods, nodes);
  }

  /** The clusters bound by Routes whose backend Services (archway.dev) name this Kubernetes Service. */
  static Set<ResourceID> clustersUsing(InformerEventSource<ArchwayRoute, GatewayCluster> routes,
      InformerEventSource<ArchwayService, GatewayCluster> services, String namespace, String kubernetesService) {
    Set<String> users = services.list(namespace)
        .filter(s -> s.getSpec() != null && s.getSpec().getKubernetesService() != null
            && Objects.equals(kubernetesService, s.getSpec().getKubernetesService().getName()))
        .map(s -> s.getMetadata().getName())
        .collect(Collectors.toSet());
    if (users.isEmpty()) {
      return Set.of();
    }
    return routes.list(namespace)
        .filter(r -> r.getSpec() != null && r.getSpec().getGatewayClusterRef() != null && r.getSpec().getRules() != null)
        .filter(r -> r.getSpec().getRules().stream()
            .anyMatch(rule -> rule.getBackendRefs() != null
                && rule.getBackendRefs().stream().anyMatch(b -> users.contains(b.getName()))))
        .map(r -> new ResourceID(r.getSpec().getGatewayClusterRef().getName(), namespace))
        .collect(Collectors.toSet());
  }

  @Override
  public UpdateControl<GatewayCluster> reconcile(GatewayCluster cluster, Context<GatewayCluster> context) {
    String namespace = cluster.getMetadata().getNamespace();
    List<ArchwayRoute> routes = informer(context, ArchwayRoute.class).list(namespace).toList();
    List<ArchwayService> services = informer(context, ArchwayService.class).list(namespace).toList();

    KubernetesEndpoints kubernetes = new KubernetesEndpoints(
        informer(context, Service.class, KUBERNETES_SERVICES).list(namespace).toList(),
        informer(context, EndpointSlice.class, ENDPOINT_SLICES).list(namespace).toList());

    Translation translation = Translator.translate(cluster, routes, services, kubernetes);
    String desired = translation.config().version();
    ResourceID id = ResourceID.fromResource(cluster);
    history.record(id, translation, routes);
    FleetSnapshot fleet = observePods(id, cluster, context);

    new ReconcileInputs(translation, settings).putInto(context);
    ConfigDelivery.decide(ConfigMapRenderer.render(GatewayNames.of(cluster), translation.config(), limits),
        Dependents.shardsOf(cluster, context), fleet, Dependents.liveManifestVersion(cluster, context)).putInto(context);
    String image = cluster.getSpec().getImage() == null || cluster.getSpec().getImage().isBlank()
        ? settings.gatewayImage() : cluster.getSpec().getImage();
    var deployments = context.getSecondaryResources(Deployment.class);
    CanaryUpgrade.Plan plan = upgrade.plan(context.getClient(), cluster, deployments, image, java.time.Instant.now());
    plan.putInto(context);
    recordUpgradeIntent(context, cluster, plan);
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    upgrade.apply(context.getClient(), cluster, translation.config().listeners(), plan);
    for (CanaryStateMachine.Event e : plan.decision().events()) {
      EventRecorder.record(context.getClient(), cluster, e.warning(), e.reason(), e.message());
    }

    routeStatus.write(context.getClient(), routes, translation,
        (route, verdict) -> programmed(id, route, verdict, fleet));

    String stableName = GatewayNames.of(cluster).gateway();
    List<String> certificateProblems = CertificateRefs.problems(cluster, name -> java.util.Optional.ofNullable(
        context.getClient().secrets().inNamespace(namespace).withName(name).get()));
    GatewayClusterStatus next = status(cluster, translation,
        deployments.stream().filter(d -> stableName.equals(d.getMetadata().getName())).findFirst().orElse(null), fleet,
        certificateProblems);
    next.setImage(image);
    next.setUpgrade(plan.decision().status());
    if (plan.decision().active()) {
      countCanaryTrack(cluster, next, deployments, plan);
    }
    GatewayClusterStatus current = cluster.getStatus();
    // poll while ready pods have not caught up; pod events wake the reconciler for everything else
    // (slower when every lagging pod is unreachable: a NetworkPolicy, not a rollout, is the likely cause)
    boolean lagging = !fleet.ready().isEmpty() && !fleet.synced(desired);
    boolean onlyUnreachable = fleet.ready().stream().filter(p -> !desired.equals(p.configVersion()))
        .allMatch(p -> p.error() != null);
    Duration wakeUp = lagging ? (onlyUnreachable ? SLOW_POLL : POLL) : null;
    if (plan.wakeUpAfter() != null && (wakeUp == null || plan.wakeUpAfter().compareTo(wakeUp) < 0)) {
      wakeUp = plan.wakeUpAfter();
    }
    UpdateControl<GatewayCluster> control = wakeUp == null
        ? UpdateControl.noUpdate() : UpdateControl.<GatewayCluster>noUpdate().rescheduleAfter(wakeUp);
    if (current != null && sameStatus(current, next)) {
      return control;
    }
    StatusPatch.replace(context.getClient(), GatewayCluster.class, cluster, next);
    recordTransitions(context, cluster, current, next);
    if (current == null || !Objects.equals(current.getConfigVersion(), next.getConfigVersion())) {
      EventRecorder.record(context.getClient(), cluster, false, "ConfigRendered",
          "Rendered config " + next.getConfigVersion() + " into ConfigMap " + next.getConfigMapName() + ": "
              + translation.config().routes().size() + " route rules, " + translation.config().services().size()
              + " services");
    }
    return control;
  }

  /** During a canary both tracks serve: their pods count together, and the run is a rollout in progress. */
  private static void countCanaryTrack(GatewayCluster cluster, GatewayClusterStatus next, Set<Deployment> deployments,
      CanaryUpgrade.Plan plan) {
    String canaryName = GatewayNames.of(cluster).canaryDeployment();
    deployments.stream().filter(d -> canaryName.equals(d.getMetadata().getName()) && d.getStatus() != null)
        .findFirst().ifPresent(d -> {
          next.setReplicas(next.getReplicas() + (d.getStatus().getReplicas() == null ? 0 : d.getStatus().getReplicas()));
          next.setReadyReplicas(next.getReadyReplicas()
              + (d.getStatus().getReadyReplicas() == null ? 0 : d.getStatus().getReadyReplicas()));
        });
    int desired = cluster.getSpec().getReplicas() == null ? 3 : cluster.getSpec().getReplicas();
    boolean allReady = next.getReadyReplicas() >= desired;
    Long generation = cluster.getMetadata().getGeneration();
    next.setConditions(Conditions.set(next.getConditions(), "Ready", allReady,
        allReady ? "AllPodsReady" : "PodsNotReady",
        next.getReadyReplicas() + "/" + desired + " gateway pods ready (stable and canary)", generation));
    next.setConditions(Conditions.set(next.getConditions(), "Progressing", true, "CanaryUpgrade",
        plan.decision().status().getMessage(), generation));
  }

  /**
   * Writes a new upgrade phase before the Deployments change, so that an operator restarted in
   * between continues the decision instead of taking it again.
   */
  private static void recordUpgradeIntent(Context<GatewayCluster> context, GatewayCluster cluster, CanaryUpgrade.Plan plan) {
    GatewayClusterStatus current = cluster.getStatus();
    var decided = plan.decision().status();
    if (decided == null || current == null
        || (current.getUpgrade() != null && Objects.equals(current.getUpgrade().getPhase(), decided.getPhase()))) {
      return;
    }
    GatewayClusterStatus intent = context.getClient().getKubernetesSerialization().clone(current);
    intent.setUpgrade(decided);
    StatusPatch.replace(context.getClient(), GatewayCluster.class, cluster, intent);
  }

  private FleetSnapshot observePods(ResourceID id, GatewayCluster cluster, Context<GatewayCluster> context) {
    Map<String, String> selector = GatewayNames.of(cluster).selector();
    List<Pod> pods = informer(context, Pod.class).list(cluster.getMetadata().getNamespace(),
        p -> p.getMetadata().getLabels() != null && p.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
        .toList();
    InformerEventSource<Node, GatewayCluster> nodes = informer(context, Node.class);
    return probe.observe(id, pods, node -> nodes.get(new ResourceID(node))
        .map(n -> n.getMetadata().getLabels() == null ? null : n.getMetadata().getLabels().get(ConfigVersionProbe.ZONE_LABEL))
        .orElse(null));
  }

  /** Programmed: every ready pod runs a config version that holds this generation of the route. */
  private RouteStatusWriter.Programmed programmed(ResourceID cluster, ArchwayRoute route, RouteVerdict verdict, FleetSnapshot fleet) {
    if (!verdict.programmable()) {
      return RouteStatusWriter.Programmed.notInConfig(verdict);
    }
    List<PodReport> ready = fleet.ready();
    if (ready.isEmpty()) {
      return new RouteStatusWriter.Programmed(false, "Pending", "No ready gateway pods yet");
    }
    long have = ready.stream().filter(p -> history.holds(cluster, p.configVersion(), route)).count();
    return have == ready.size()
        ? new RouteStatusWriter.Programmed(true, "Programmed", "Applied by all " + ready.size() + " ready gateway pods")
        : new RouteStatusWriter.Programmed(false, "Pending",
            have + "/" + ready.size() + " ready gateway pods have applied a config with this route");
  }

  /** Events when ConfigSynced or Degraded change. */
  private static void recordTransitions(
      Context<GatewayCluster> context, GatewayCluster cluster, GatewayClusterStatus before, GatewayClusterStatus after) {
    List<Condition> old = before == null ? List.of() : before.getConditions();
    Condition synced = Conditions.find(after.getConditions(), "ConfigSynced");
    Condition wasSynced = Conditions.find(old, "ConfigSynced");
    if (synced != null && "True".equals(synced.getStatus())
        && (wasSynced == null || !"True".equals(wasSynced.getStatus())
            || !Objects.equals(before.getConfigVersion(), after.getConfigVersion()))) {
      EventRecorder.record(context.getClient(), cluster, false, "ConfigSynced", synced.getMessage());
    }
    Condition degraded = Conditions.find(after.getConditions(), "Degraded");
    Condition wasDegraded = Conditions.find(old, "Degraded");
    boolean isDegraded = degraded != null && "True".equals(degraded.getStatus());
    boolean wasDegradedTrue = wasDegraded != null && "True".equals(wasDegraded.getStatus());
    if (isDegraded && (!wasDegradedTrue || !Objects.equals(wasDegraded.getReason(), degraded.getReason()))) {
      EventRecorder.record(context.getClient(), cluster, true, degraded.getReason(), degraded.getMessage());
    } else if (!isDegraded && wasDegradedTrue) {
      EventRecorder.record(context.getClient(), cluster, false, "Recovered", degraded.getMessage());
    }
  }

  /**
   * Deletes what the cluster owns, gateway pods first. Owner references would let a cluster's
   * garbage collector do the same; deleting here makes removal prompt and also works where no
   * garbage collector runs.
   */
  @Override
  public DeleteControl cleanup(GatewayCluster cluster, Context<GatewayCluster> context) {
    var client = context.getClient();
    GatewayNames names = GatewayNames.of(cluster);
    String ns = names.namespace();
    client.apps().deployments().inNamespace(ns).withName(names.canaryDeployment()).delete();
    client.apps().deployments().inNamespace(ns).withName(names.gateway()).delete();
    upgrade.forget(cluster);
    client.policy().v1().podDisruptionBudget().inNamespace(ns).withName(names.gateway()).delete();
    client.services().inNamespace(ns).withName(names.gateway()).delete();
    client.configMaps().inNamespace(ns).withName(names.configMap()).delete();
    // one by one: deleting a collection would need the deletecollection verb
    client.configMaps().inNamespace(ns)
        .withLabel(GatewayNames.CLUSTER_LABEL, names.cluster())
        .withLabel(GatewayNames.CONFIG_PART_LABEL, "shard").list().getItems()
        .forEach(c -> client.configMaps().inNamespace(ns).withName(c.getMetadata().getName()).delete());
    history.forget(ResourceID.fromResource(cluster));
    probe.forget(ResourceID.fromResource(cluster));
    client.rbac().roleBindings().inNamespace(ns).withName(names.gateway()).delete();
    client.rbac().roles().inNamespace(ns).withName(names.gateway()).delete();
    client.serviceAccounts().inNamespace(ns).withName(names.gateway()).delete();
    return DeleteControl.defaultDelete();
  }

  static GatewayClusterStatus status(GatewayCluster cluster, Translation translation, Deployment deployment,
      FleetSnapshot fleet, List<String> certificateProblems) {
    Long generation = cluster.getMetadata().getGeneration();
    int desired = cluster.getSpec().getReplicas() == null ? 3 : cluster.getSpec().getReplicas();
    int replicas = 0;
    int ready = 0;
    int updated = 0;
    boolean deploymentCaughtUp = false;
    if (deployment != null && deployment.getStatus() != null) {
      var s = deployment.getStatus();
      replicas = s.getReplicas() == null ? 0 : s.getReplicas();
      ready = s.getReadyReplicas() == null ? 0 : s.getReadyReplicas();
      updated = s.getUpdatedReplicas() == null ? 0 : s.getUpdatedReplicas();
      deploymentCaughtUp = Objects.equals(s.getObservedGeneration(), deployment.getMetadata().getGeneration());
    }
    GatewayClusterStatus status = new GatewayClusterStatus();
    GatewayClusterStatus previous = cluster.getStatus() == null ? new GatewayClusterStatus() : cluster.getStatus();
    var conditions = previous.getConditions();
    boolean allReady = deploymentCaughtUp && ready >= desired && updated >= desired;
    conditions = Conditions.set(conditions, "Ready", allReady,
        allReady ? "AllPodsReady" : "PodsNotReady", ready + "/" + desired + " gateway pods ready", generation);
    boolean progressing = !deploymentCaughtUp || updated < desired || replicas > desired;
    conditions = Conditions.set(conditions, "Progressing", progressing,
        progressing ? "RollingOut" : "Stable",
        progressing ? updated + "/" + desired + " pods updated" : "Deployment is up to date", generation);
    String version = translation.config().version();
    List<PodReport> readyPods = fleet.ready();
    List<PodReport> synced = fleet.readyWith(version);
    boolean allSynced = fleet.synced(version);
    conditions = Conditions.set(conditions, "ConfigSynced", allSynced,
        allSynced ? "AllPodsSynced" : readyPods.isEmpty() ? "NoReadyPods" : "Pending",
        readyPods.isEmpty() ? "No ready gateway pods to apply config " + version
            : synced.size() + "/" + readyPods.size() + " ready gateway pods have applied config " + version
                + (allSynced ? "" : "; waiting for " + list(readyPods.stream()
                    .filter(p -> !version.equals(p.configVersion())).map(PodReport::describe).toList())),
        generation);
    long rejected = translation.rejectedRoutes();
    List<PodReport> refusing = fleet.rejecting();
    List<PodReport> unreachable = fleet.unreachable();
    // a broken certificate reference first: it is why new pods cannot start and pods refuse the config
    String degradedReason = !certificateProblems.isEmpty() ? "InvalidCertificateRef"
        : !refusing.isEmpty() ? "PodsRejectedConfig"
        : rejected > 0 ? "RoutesRejected"
        : !unreachable.isEmpty() ? "PodsUnreachable"
        : "AsExpected";
    List<String> problems = new java.util.ArrayList<>(certificateProblems);
    if (!refusing.isEmpty()) {
      problems.add(refusing.size() + " ready pods refused the latest config and keep running their previous one: "
          + list(refusing.stream().map(p -> p.name() + " (" + p.rejected() + ")").toList()));
    }
    if (rejected > 0) {
      problems.add(rejected + " of " + translation.routes().size() + " routes left out of the config: "
          + translation.routes().entrySet().stream().filter(e -> !e.getValue().programmable())
              .map(e -> e.getKey() + " (" + e.getValue().message() + ")").collect(Collectors.joining(", ")));
    }
    if (!unreachable.isEmpty()) {
      problems.add(unreachable.size() + " ready pods do not tell which config they run: "
          + list(unreachable.stream().map(PodReport::describe).toList()));
    }
    conditions = Conditions.set(conditions, "Degraded", !problems.isEmpty(), degradedReason,
        problems.isEmpty() ? translation.routes().size() + " routes in the config" : String.join("; ", problems),
        generation);
    status.setConditions(conditions);
    status.setObservedGeneration(generation);
    status.setReplicas(replicas);
    status.setReadyReplicas(ready);
    status.setConfigVersion(version);
    status.setConfigSyncedReplicas(synced.size());
    status.setZones(fleet.zones());
    status.setConfigMapName(GatewayNames.of(cluster).configMap());
    return status;
  }

  private static boolean sameStatus(GatewayClusterStatus a, GatewayClusterStatus b) {
    return Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
        && Objects.equals(a.getReplicas(), b.getReplicas())
        && Objects.equals(a.getReadyReplicas(), b.getReadyReplicas())
        && Objects.equals(a.getConfigVersion(), b.getConfigVersion())
        && Objects.equals(a.getImage(), b.getImage())
        && Objects.equals(a.getConfigMapName(), b.getConfigMapName())
        && Objects.equals(a.getUpgrade(), b.getUpgrade())
        && Objects.equals(a.getConfigSyncedReplicas(), b.getConfigSyncedReplicas())
        && Objects.equals(a.getZones(), b.getZones())
        && Conditions.sameIgnoringTime(a.getConditions(), b.getConditions());
  }

  /** At most a few names, so a message stays readable with hundreds of pods. */
  private static String list(List<String> items) {
    return items.size() <= 5 ? String.join(", ", items)
        : String.join(", ", items.subList(0, 5)) + " and " + (items.size() - 5) + " more";
  }

  @SuppressWarnings("unchecked")
  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> InformerEventSource<R, GatewayCluster> informer(
      Context<GatewayCluster> context, Class<R> type) {
    return (InformerEventSource<R, GatewayCluster>) context.eventSourceRetriever().getEventSourceFor(type);
  }

  @SuppressWarnings("unchecked")
  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> InformerEventSource<R, GatewayCluster> informer(
      Context<GatewayCluster> context, Class<R> type, String name) {
    return (InformerEventSource<R, GatewayCluster>) context.eventSourceRetriever().getEventSourceFor(type, name);
  }
}
