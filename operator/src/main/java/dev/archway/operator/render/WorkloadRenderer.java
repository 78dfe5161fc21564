package dev.archway.operator.render;

import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.GatewayClusterSpec;
import dev.archway.api.v1alpha1.RollingUpgrade;
import dev.archway.api.v1alpha1.UpgradeStrategy;
import dev.archway.model.ListenerConfig;
import dev.archway.operator.translate.CertificateMounts;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * GatewayCluster to the workload objects that run its gateway pods: pure functions.
 *
 * <p>Listeners come from the translated config so that the ports a pod opens, the ports its
 * container declares and the ports the Kubernetes Service exposes are the same list.
 */
public final class WorkloadRenderer {

  /** Where the image keeps the launcher; the e2e harness maps it to the repository's bin/. */
  public static final String LAUNCHER = "/opt/archway/bin/archway";
  /** emptyDir for the last-known-good config; the root filesystem is read-only. */
  public static final String CACHE_DIR = "/var/cache/archway";
  static final String ZONE_KEY = "topology.kubernetes.io/zone";
  static final String HOST_KEY = "kubernetes.io/hostname";
  static final long SHUTDOWN_DELAY_SECONDS = 5;
  static final long DRAIN_SECONDS = 15;
  static final long GRACE_SECONDS = SHUTDOWN_DELAY_SECONDS + DRAIN_SECONDS + 10;
  static final long GATEWAY_UID = 10001;
  /** 0440: the private keys are readable by the gateway's user and group (fsGroup), nobody else. */
  static final int TLS_FILE_MODE = 0440;

  private WorkloadRenderer() {}

  /** The stable Deployment as the spec asks for it: spec.image (or the default) on spec.replicas pods. */
  public static Deployment deployment(
      GatewayCluster cluster, List<ListenerConfig> listeners, String defaultImage) {
    GatewayClusterSpec spec = cluster.getSpec();
    String image = spec.getImage() == null || spec.getImage().isBlank() ? defaultImage : spec.getImage();
    return deployment(cluster, listeners, Workload.stable(image, spec.getReplicas() == null ? 3 : spec.getReplicas()));
  }

  /**
   * One track of gateway pods. The canary track is a Deployment of its own whose pods carry
   * {@link GatewayNames#TRACK_LABEL}; the Kubernetes Service and the PDB select both tracks.
   */
  public static Deployment deployment(GatewayCluster cluster, List<ListenerConfig> listeners, Workload workload) {
    GatewayNames names = GatewayNames.of(cluster);
    GatewayClusterSpec spec = cluster.getSpec();
    String image = workload.image();
    boolean canary = workload.track() == Workload.Track.CANARY;
    var podLabels = names.labels();
    var selector = names.selector();
    var objectMeta = meta(names, names.gateway());
    if (canary) {
      podLabels.put(GatewayNames.TRACK_LABEL, "canary");
      selector.put(GatewayNames.TRACK_LABEL, "canary");
      objectMeta = meta(names, names.canaryDeployment());
      objectMeta.getLabels().put(GatewayNames.TRACK_LABEL, "canary");
    }
    RollingUpgrade rolling = rolling(spec.getUpgrade());

    List<ContainerPort> ports = new ArrayList<>();
    for (ListenerConfig l : listeners) {
      ports.add(new ContainerPortBuilder().withName(l.name()).withContainerPort(l.port()).withProtocol("TCP").build());
    }
    ports.add(new ContainerPortBuilder().withName("management")
        .withContainerPort(GatewayNames.MANAGEMENT_PORT).withProtocol("TCP").build());

    List<EnvVar> env = List.of(
        new EnvVarBuilder().withName("ARCHWAY_CONFIG_SOURCE").withValue("kubernetes").build(),
        new EnvVarBuilder().withName("ARCHWAY_CONFIG_NAMESPACE")
            .withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef().endValueFrom()
            .build(),
        new EnvVarBuilder().withName("ARCHWAY_CONFIG_CONFIG_MAP").withValue(names.configMap()).build(),
        new EnvVarBuilder().withName("ARCHWAY_CONFIG_KEY").withValue(GatewayNames.CONFIG_KEY).build(),
        new EnvVarBuilder().withName("ARCHWAY_LAST_KNOWN_GOOD_DIR").withValue(CACHE_DIR).build(),
        new EnvVarBuilder().withName("QUARKUS_MANAGEMENT_PORT")
            .withValue(Integer.toString(GatewayNames.MANAGEMENT_PORT)).build(),
        // SIGTERM: readiness goes DOWN at once, the pod keeps serving while endpoints are
        // withdrawn (shutdown delay), then drains in-flight requests; both fit in the grace period
        new EnvVarBuilder().withName("QUARKUS_SHUTDOWN_DELAY").withValue(SHUTDOWN_DELAY_SECONDS + "s").build(),
        new EnvVarBuilder().withName("ARCHWAY_DRAIN_TIMEOUT").withValue(DRAIN_SECONDS + "s").build(),
        new EnvVarBuilder().withName("POD_NAME")
            .withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom()
            .build());

    var podSpec = new DeploymentBuilder()
        .withMetadata(objectMeta)
        .withNewSpec()
        .withReplicas(workload.replicas())
        .withSelector(new LabelSelectorBuilder().withMatchLabels(selector).build())
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(rolling.getMaxUnavailable()))
        .withMaxSurge(new IntOrString(rolling.getMaxSurge()))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(names.gateway())
        .withTerminationGracePeriodSeconds(GRACE_SECONDS)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(GATEWAY_UID)
        .withRunAsGroup(GATEWAY_UID)
        .withFsGroup(GATEWAY_UID)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
        .addNewTopologySpreadConstraint()
        .withMaxSkew(1)
        .withTopologyKey(ZONE_KEY)
        // strict when the zones are named (their nodes carry the label); a preference otherwise,
        // so clusters whose nodes have no zone label still schedule every pod
        .withWhenUnsatisfiable(spec.getZones() == null || spec.getZones().isEmpty() ? "ScheduleAnyway" : "DoNotSchedule")
        .withNewLabelSelector().withMatchLabels(names.selector()).endLabelSelector()
        .endTopologySpreadConstraint()
        .withNewAffinity()
        .withNewPodAntiAffinity()
        .addNewPreferredDuringSchedulingIgnoredDuringExecution()
        .withWeight(100)
        .withNewPodAffinityTerm()
        .withTopologyKey(HOST_KEY)
        .withNewLabelSelector().withMatchLabels(names.selector()).endLabelSelector()
        .endPodAffinityTerm()
        .endPreferredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .endAffinity()
        .addNewContainer()
        .withName("gateway")
        .withImage(image)
        .withCommand(LAUNCHER, "gateway")
        .withEnv(env)
        .withPorts(ports)
        .withStartupProbe(probe("/q/health/started", 1, 60))
        .withReadinessProbe(probe("/q/health/ready", 2, 2))
        .withLivenessProbe(probe("/q/health/live", 10, 3))
        .withResources(spec.getResources())
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount().withName("cache").withMountPath(CACHE_DIR).endVolumeMount()
        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
        .endContainer()
        .addNewVolume().withName("cache").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
        .endSpec()
        .endTemplate()
        .endSpec();
    Deployment deployment = podSpec.build();
    mountCertificates(deployment, CertificateMounts.secrets(cluster));
    if (listeners.stream().anyMatch(l -> l.port() < 1024)) {
      // a non-root gateway may bind ports below 1024 only with this (safe, namespaced) sysctl
      deployment.getSpec().getTemplate().getSpec().getSecurityContext().setSysctls(List.of(
          new io.fabric8.kubernetes.api.model.SysctlBuilder()
              .withName("net.ipv4.ip_unprivileged_port_start").withValue("0").build()));
    }
    if (spec.getZones() != null && !spec.getZones().isEmpty()) {
      deployment.getSpec().getTemplate().getSpec().getAffinity().setNodeAffinity(
          new io.fabric8.kubernetes.api.model.NodeAffinityBuilder()
              .withNewRequiredDuringSchedulingIgnoredDuringExecution()
              .addNewNodeSelectorTerm()
              .addNewMatchExpression().withKey(ZONE_KEY).withOperator("In").withValues(spec.getZones()).endMatchExpression()
              .endNodeSelectorTerm()
              .endRequiredDuringSchedulingIgnoredDuringExecution()
              .build());
    }
    return deployment;
  }

  /**
   * Each TLS Secret of the listeners as a read-only volume where the config says its files are.
   * Volumes are named by position: a Secret name may be longer than a volume name can be.
   */
  private static void mountCertificates(Deployment deployment, List<String> secrets) {
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    for (int i = 0; i < secrets.size(); i++) {
      String volume = "tls-" + i;
      pod.getVolumes().add(new VolumeBuilder().withName(volume)
          .withNewSecret().withSecretName(secrets.get(i)).withDefaultMode(TLS_FILE_MODE).endSecret()
          .build());
      container.getVolumeMounts().add(new VolumeMountBuilder().withName(volume)
          .withMountPath(CertificateMounts.dir(secrets.get(i))).withReadOnly(true).build());
    }
  }

  /** The rolling pace with defaults filled in: a Deployment needs both numbers. */
  static RollingUpgrade rolling(UpgradeStrategy upgrade) {
    RollingUpgrade given = upgrade == null ? null : upgrade.getRolling();
    RollingUpgrade r = new RollingUpgrade();
    if (given != null && given.getMaxUnavailable() != null) {
      r.setMaxUnavailable(given.getMaxUnavailable());
    }
    if (given != null && given.getMaxSurge() != null) {
      r.setMaxSurge(given.getMaxSurge());
    }
    return r;
  }

  /** The Kubernetes Service in front of the pods: proxy ports only, never the management port. */
  public static Service service(GatewayCluster cluster, List<ListenerConfig> listeners) {
    GatewayNames names = GatewayNames.of(cluster);
    List<ServicePort> ports = new ArrayList<>();
    for (ListenerConfig l : listeners) {
      ports.add(new ServicePortBuilder().withName(l.name()).withPort(l.port())
          .withTargetPort(new IntOrString(l.name())).withProtocol("TCP").build());
    }
    return new ServiceBuilder()
        .withMetadata(meta(names, names.gateway()))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(names.selector())
        .withPorts(ports)
        .endSpec()
        .build();
  }

  public static PodDisruptionBudget podDisruptionBudget(GatewayCluster cluster) {
    GatewayNames names = GatewayNames.of(cluster);
    Integer max = cluster.getSpec().getMaxUnavailable();
    return new PodDisruptionBudgetBuilder()
        .withMetadata(meta(names, names.gateway()))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(max == null ? 1 : max))
        .withSelector(new LabelSelectorBuilder().withMatchLabels(names.selector()).build())
        .endSpec()
        .build();
  }

  public static ServiceAccount serviceAccount(GatewayCluster cluster) {
    GatewayNames names = GatewayNames.of(cluster);
    return new ServiceAccountBuilder().withMetadata(meta(names, names.gateway())).build();
  }

  /**
   * The gateway pods may read their own config ConfigMaps and nothing else: the manifest and the
   * shards it may name (by name; a Role cannot grant by label).
   */
  public static Role role(GatewayCluster cluster, java.util.Collection<String> shardNames) {
    GatewayNames names = GatewayNames.of(cluster);
    List<String> readable = new ArrayList<>();
    readable.add(names.configMap());
    shardNames.stream().sorted().distinct().forEach(readable::add);
    return new RoleBuilder()
        .withMetadata(meta(names, names.gateway()))
        .addNewRule()
        .withApiGroups("")
        .withResources("configmaps")
        .withResourceNames(readable)
        .withVerbs("get", "list", "watch")
        .endRule()
        .build();
  }

  public static RoleBinding roleBinding(GatewayCluster cluster) {
    GatewayNames names = GatewayNames.of(cluster);
    return new RoleBindingBuilder()
        .withMetadata(meta(names, names.gateway()))
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role")
        .withName(names.gateway())
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(names.gateway())
        .withNamespace(names.namespace())
        .endSubject()
        .build();
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet().withPath(path).withPort(new IntOrString("management")).endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .withTimeoutSeconds(1)
        .build();
  }

  private static ObjectMeta meta(GatewayNames names, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(names.namespace())
        .withLabels(names.labels())
        .build();
  }
}
