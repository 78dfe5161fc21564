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
import dev.archway.operator.upgrade.CanaryStateMachine;
import dev.archway.operator.upgrade.CanaryUpgrade;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
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
      @Dependent(name = "config", type = Dependents.ConfigMapDependent.class),
      @Dependent(
          name = "deployment",
          type = Dependents.DeploymentDependent.class,
          dependsOn = {"config", "role-binding"}),
      @Dependent(name = "service", type = Dependents.ServiceDependent.class),
      @Dependent(name = "disruption-budget", type = Dependents.PodDisruptionBudgetDependent.class)
    })
public class GatewayClusterReconciler implements Reconciler<GatewayCluster>, Cleaner<GatewayCluster> {

  public static final String NAME = "gatewaycluster";
  private static final String KUBERNETES_SERVICES = "kubernetes-services";
  private static final String ENDPOINT_SLICES = "endpoint-slices";

  private final OperatorSettings settings;
  private final RouteStatusWriter routeStatus = new RouteStatusWriter();
  private final CanaryUpgrade upgrade = new CanaryUpgrade();

  public GatewayClusterReconciler(OperatorSettings settings) {
    this.settings = settings;
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
    return List.of(routes, services, kubernetesServices, endpointSlices);
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
    new ReconcileInputs(translation, settings).putInto(context);
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

    routeStatus.write(context.getClient(), routes, translation);

    String stableName = GatewayNames.of(cluster).gateway();
    GatewayClusterStatus next = status(cluster, translation,
        deployments.stream().filter(d -> stableName.equals(d.getMetadata().getName())).findFirst().orElse(null));
    next.setImage(image);
    next.setUpgrade(plan.decision().status());
    if (plan.decision().active()) {
      countCanaryTrack(cluster, next, deployments, plan);
    }
    UpdateControl<GatewayCluster> done = plan.wakeUpAfter() == null ? UpdateControl.noUpdate()
        : UpdateControl.<GatewayCluster>noUpdate().rescheduleAfter(plan.wakeUpAfter());
    GatewayClusterStatus current = cluster.getStatus();
    if (current != null && sameStatus(current, next)) {
      return done;
    }
    StatusPatch.replace(context.getClient(), GatewayCluster.class, cluster, next);
    if (current == null || !Objects.equals(current.getConfigVersion(), next.getConfigVersion())) {
      EventRecorder.record(context.getClient(), cluster, false, "ConfigRendered",
          "Rendered config " + next.getConfigVersion() + " into ConfigMap " + next.getConfigMapName() + ": "
              + translation.config().routes().size() + " route rules, " + translation.config().services().size()
              + " services");
    }
    return done;
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
    client.rbac().roleBindings().inNamespace(ns).withName(names.gateway()).delete();
    client.rbac().roles().inNamespace(ns).withName(names.gateway()).delete();
    client.serviceAccounts().inNamespace(ns).withName(names.gateway()).delete();
    return DeleteControl.defaultDelete();
  }

  static GatewayClusterStatus status(GatewayCluster cluster, Translation translation, Deployment deployment) {
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
    long rejected = translation.rejectedRoutes();
    conditions = Conditions.set(conditions, "Degraded", rejected > 0,
        rejected > 0 ? "RoutesRejected" : "AllRoutesAccepted",
        rejected > 0
            ? rejected + " of " + translation.routes().size() + " routes left out of the config: "
                + translation.routes().entrySet().stream().filter(e -> !e.getValue().programmable())
                    .map(e -> e.getKey() + " (" + e.getValue().message() + ")").collect(Collectors.joining(", "))
            : translation.routes().size() + " routes in the config",
        generation);
    status.setConditions(conditions);
    status.setObservedGeneration(generation);
    status.setReplicas(replicas);
    status.setReadyReplicas(ready);
    status.setConfigVersion(translation.config().version());
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
        && Conditions.sameIgnoringTime(a.getConditions(), b.getConditions());
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
