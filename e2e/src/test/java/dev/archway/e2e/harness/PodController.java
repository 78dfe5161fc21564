package dev.archway.e2e.harness;

import dev.archway.operator.demo.GatewayProcess;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The kubelet, scheduler, ReplicaSet and Deployment controllers of the local process cluster, in
 * one loop: it reads the Deployments the operator wrote, runs their pods as real gateway processes
 * on 127.0.x.y, rolls template changes out as the Deployment's RollingUpdate strategy allows
 * (a new pod counts once its readiness endpoint answers 200, which for a gateway means its config
 * is applied), places pods over the zones of the Nodes honouring the pods' topology spread and
 * node affinity, and writes Pods and Deployment status back to the API.
 *
 * <p>Every state change happens on one thread. When the API server is unreachable the loop keeps
 * the pods it has running, probed and in the load balancer, as a kubelet would.
 */
public final class PodController implements AutoCloseable {

  static final String ZONE_KEY = "topology.kubernetes.io/zone";
  static final String HASH_KEY = "pod-template-hash";
  static final Duration TICK = Duration.ofMillis(150);

  /** A running pod as the kubelet knows it. */
  public static final class RunningPod {
    final String namespace;
    final String name;
    final String deployment;
    final String hash;
    final String ip;
    final Node node;
    final Map<String, String> labels;
    final Deployment template;
    final long graceSeconds;
    volatile GatewayProcess process;
    volatile boolean ready;
    volatile boolean terminating;
    volatile boolean written;
    int restarts;
    int probeFailures;
    volatile boolean restarting;

    RunningPod(String namespace, String name, String deployment, String hash, String ip, Node node,
        Map<String, String> labels, Deployment template, long graceSeconds) {
      this.namespace = namespace;
      this.name = name;
      this.deployment = deployment;
      this.hash = hash;
      this.ip = ip;
      this.node = node;
      this.labels = labels;
      this.template = template;
      this.graceSeconds = graceSeconds;
    }

    public String name() { return name; }
    public String ip() { return ip; }
    public String zone() { return node.zone(); }
    public String hash() { return hash; }
    public String deployment() { return deployment; }
    public Map<String, String> labels() { return labels; }
    public boolean ready() { return ready; }
    public boolean terminating() { return terminating; }
    public GatewayProcess process() { return process; }
    public int containerPort(String portName) { return PodLauncher.containerPort(template, portName); }
    public int managementPort() { return PodLauncher.managementPort(template); }

    @Override
    public String toString() {
      return name + "@" + ip + "(" + node.zone() + (ready ? ",ready" : "") + (terminating ? ",terminating" : "") + ")";
    }
  }

  /** A node of the local cluster: one per zone. */
  public record Node(String name, String zone) {}

  private final KubernetesClient client;
  private final PodLauncher launcher;
  private final List<Node> nodes;
  private final Set<String> cordoned = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Map<String, RunningPod> pods = new LinkedHashMap<>();
  private final Map<String, DeploymentStatus> writtenStatus = new HashMap<>();
  private final List<Consumer<List<RunningPod>>> podListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "pod-controller"));
  private final ExecutorService terminators = Executors.newCachedThreadPool(r -> thread(r, "pod-terminator"));
  private final AtomicInteger nextIp = new AtomicInteger();
  private final int ipBlock;
  private volatile boolean apiReachable = true;

  public PodController(KubernetesClient client, PodLauncher launcher, List<Node> nodes, int ipBlock) {
    this.client = client;
    this.launcher = launcher;
    this.nodes = List.copyOf(nodes);
    this.ipBlock = ipBlock;
  }

  private static Thread thread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  public void start() {
    loop.scheduleWithFixedDelay(this::tickSafely, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Called on the controller thread with every pod after each change. */
  public void onPodsChanged(Consumer<List<RunningPod>> listener) {
    podListeners.add(listener);
    run(() -> listener.accept(List.copyOf(pods.values())));
  }

  /** A snapshot of the pods (including terminating ones). */
  public List<RunningPod> pods() {
    return call(() -> List.copyOf(pods.values()));
  }

  public List<RunningPod> pods(Predicate<RunningPod> filter) {
    return pods().stream().filter(filter).toList();
  }

  /** Stops scheduling on a zone's node, as a lost zone would. */
  public void cordonZone(String zone) {
    cordoned.add(zone);
  }

  /** kubectl delete pod: endpoints withdrawn, SIGTERM, SIGKILL after the grace period. */
  public void deletePod(String name) {
    run(() -> {
      RunningPod p = pods.get(name);
      if (p != null) {
        terminate(p);
        changed();
      }
    });
  }

  /** The process of each named pod is killed with SIGKILL at once (a crash or a lost node); returns when they are gone. */
  public void killPods(List<String> names) {
    kill(processesOf(names));
  }

  /** The running processes of the named pods, for a caller that times the kill itself ({@link #kill}). */
  public List<ProcessHandle> processesOf(List<String> names) {
    return call(() -> names.stream().map(pods::get).filter(p -> p != null && p.process != null)
        .flatMap(p -> ProcessHandle.of(p.process.pid()).stream()).toList());
  }

  /** SIGKILL to each process, then waits until every one is gone (its sockets closed by the kernel). */
  public static void kill(List<ProcessHandle> processes) {
    processes.forEach(ProcessHandle::destroyForcibly);
    processes.forEach(h -> h.onExit().join());
  }

  /**
   * The kubelet restarts the pod's container: the process is stopped (SIGTERM and the grace
   * period when {@code graceful}, else SIGKILL) and started again with the same name, address
   * and emptyDir (where the last-known-good config lives). Returns when the new process runs.
   */
  public void restartContainer(String name, boolean graceful) throws Exception {
    RunningPod p = call(() -> pods.get(name));
    if (p == null) {
      throw new IllegalArgumentException("no pod " + name);
    }
    p.restarting = true;
    GatewayProcess old = p.process;
    if (graceful) {
      old.stop(Duration.ofSeconds(p.graceSeconds));
    } else {
      sigkill(old);
    }
    ProcessHandle.of(old.pid()).ifPresent(h -> h.onExit().join());
    p.process = launcher.start(p.template, p.name, p.ip);
    p.restarts++;
    p.restarting = false;
    System.out.println("[pods] restarted the container of " + p);
  }

  private static void sigkill(GatewayProcess process) {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
  }

  public boolean apiReachable() {
    return apiReachable;
  }

  private void run(Runnable r) {
    call(() -> {
      r.run();
      return null;
    });
  }

  private <T> T call(java.util.concurrent.Callable<T> c) {
    try {
      return loop.submit(c).get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      System.err.println("[pods] " + e);
    }
  }

  private void tick() {
    boolean changed = probe();
    List<Deployment> deployments;
    try {
      deployments = client.apps().deployments().inAnyNamespace().list().getItems();
      apiReachable = true;
    } catch (KubernetesClientException e) {
      // the kubelet keeps its pods running while the control plane is away
      if (apiReachable) {
        System.out.println("[pods] API server unreachable; keeping " + pods.size() + " pods running");
      }
      apiReachable = false;
      if (changed) {
        changed();
      }
      return;
    }
    Set<String> live = new java.util.HashSet<>();
    for (Deployment d : deployments) {
      live.add(key(d.getMetadata().getNamespace(), d.getMetadata().getName()));
      changed |= reconcile(d);
    }
    for (RunningPod p : List.copyOf(pods.values())) {
      if (!p.terminating && !live.contains(key(p.namespace, p.deployment))) {
        terminate(p);
        changed = true;
      }
    }
    if (changed) {
      changed();
    }
    writePods();
    for (Deployment d : deployments) {
      writeStatus(d);
    }
  }

  /** Readiness probes, and pods whose process is gone leave. */
  private boolean probe() {
    List<RunningPod> all = List.copyOf(pods.values());
    List<CompletableFuture<Boolean>> checks = new ArrayList<>();
    for (RunningPod p : all) {
      GatewayProcess proc = p.process;
      checks.add(CompletableFuture.supplyAsync(() -> proc.isAlive() && !p.terminating && proc.readiness() == 200, terminators));
    }
    boolean changed = false;
    for (int i = 0; i < all.size(); i++) {
      RunningPod p = all.get(i);
      boolean ready = checks.get(i).join();
      if (!p.process.isAlive() && !p.restarting) {
        if (!p.terminating) {
          System.out.println("[pods] " + p.name + " exited with " + p.process.output().size() + " lines of output; pod removed");
        }
        pods.remove(p.name);
        deletePodObject(p);
        changed = true;
      } else {
        // like the kubelet: one success makes a pod ready, failureThreshold failures in a row unready
        p.probeFailures = ready ? 0 : p.probeFailures + 1;
        boolean nowReady = ready || (p.ready && !p.terminating && p.probeFailures < failureThreshold(p));
        if (nowReady != p.ready) {
          p.ready = nowReady;
          p.written = false;
          changed = true;
        }
      }
    }
    return changed;
  }

  private static int failureThreshold(RunningPod p) {
    var probe = p.template.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe();
    return probe == null || probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
  }

  private boolean reconcile(Deployment d) {
    String ns = d.getMetadata().getNamespace();
    String name = d.getMetadata().getName();
    String hash = templateHash(d);
    int desired = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
    int surge = 1;
    int unavailable = 0;
    RollingUpdateDeployment ru = d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
    if (ru != null) {
      surge = scaled(ru.getMaxSurge(), desired, true, 1);
      unavailable = scaled(ru.getMaxUnavailable(), desired, false, 0);
    }
    if (surge == 0 && unavailable == 0) {
      unavailable = 1; // what the Deployment controller does with an impossible pair
    }
    List<RunningPod> mine = pods.values().stream()
        .filter(p -> !p.terminating && p.namespace.equals(ns) && p.deployment.equals(name)).collect(Collectors.toCollection(ArrayList::new));
    boolean changed = false;
    long fresh = mine.stream().filter(p -> p.hash.equals(hash)).count();
    while (fresh < desired && mine.size() < desired + surge) {
      RunningPod p = startPod(d, hash);
      if (p == null) {
        break;
      }
      mine.add(p);
      fresh++;
      changed = true;
    }
    int minAvailable = desired - unavailable;
    long ready = mine.stream().filter(p -> p.ready).count();
    // surplus pods of the current template (a scale-down): not ready ones first
    List<RunningPod> surplus = mine.stream().filter(p -> p.hash.equals(hash))
        .sorted(Comparator.comparing((RunningPod p) -> p.ready)).toList();
    for (int i = 0; i < surplus.size() - desired; i++) {
      terminate(surplus.get(i));
      mine.remove(surplus.get(i));
      changed = true;
    }
    // old pods: the not ready ones go at once, a ready one only while enough others are ready
    List<RunningPod> old = mine.stream().filter(p -> !p.hash.equals(hash))
        .sorted(Comparator.comparing((RunningPod p) -> p.ready)).toList();
    for (RunningPod p : old) {
      if (!p.ready) {
        terminate(p);
        changed = true;
      } else if (ready - 1 >= minAvailable) {
        terminate(p);
        ready--;
        changed = true;
      }
    }
    return changed;
  }

  private static int scaled(IntOrString v, int replicas, boolean roundUp, int dflt) {
    if (v == null) {
      return dflt;
    }
    if (v.getIntVal() != null) {
      return v.getIntVal();
    }
    double percent = Double.parseDouble(v.getStrVal().replace("%", "")) * replicas / 100;
    return (int) (roundUp ? Math.ceil(percent) : Math.floor(percent));
  }

  private RunningPod startPod(Deployment d, String hash) {
    Node node = schedule(d);
    if (node == null) {
      System.out.println("[pods] no node fits a pod of " + d.getMetadata().getName());
      return null;
    }
    String ns = d.getMetadata().getNamespace();
    String name = d.getMetadata().getName() + "-" + hash + "-" + randomSuffix();
    int n = nextIp.getAndIncrement();
    String ip = "127.0." + (ipBlock + n / 240) + "." + (10 + n % 240);
    Map<String, String> labels = new LinkedHashMap<>(d.getSpec().getTemplate().getMetadata().getLabels());
    labels.put(HASH_KEY, hash);
    long grace = Objects.requireNonNullElse(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds(), 30L);
    RunningPod p = new RunningPod(ns, name, d.getMetadata().getName(), hash, ip, node, labels, d, grace);
    try {
      p.process = launcher.start(d, name, ip);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    pods.put(name, p);
    System.out.println("[pods] started " + p + " of " + d.getMetadata().getName() + " image " +
        d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    return p;
  }

  private static String randomSuffix() {
    String chars = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder b = new StringBuilder();
    var r = java.util.concurrent.ThreadLocalRandom.current();
    for (int i = 0; i < 5; i++) {
      b.append(chars.charAt(r.nextInt(chars.length())));
    }
    return b.toString();
  }

  /** The node of the zone with the fewest matching pods, among nodes the pod may run on. */
  private Node schedule(Deployment d) {
    var spec = d.getSpec().getTemplate().getSpec();
    Set<String> allowedZones = null;
    if (spec.getAffinity() != null && spec.getAffinity().getNodeAffinity() != null
        && spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
      allowedZones = new java.util.HashSet<>();
      for (var term : spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()) {
        for (NodeSelectorRequirement r : term.getMatchExpressions()) {
          if (ZONE_KEY.equals(r.getKey()) && "In".equals(r.getOperator())) {
            allowedZones.addAll(r.getValues());
          }
        }
      }
    }
    LabelSelector spread = spec.getTopologySpreadConstraints().stream()
        .filter(c -> ZONE_KEY.equals(c.getTopologyKey())).map(TopologySpreadConstraint::getLabelSelector)
        .findFirst().orElse(d.getSpec().getSelector());
    Map<String, String> match = spread.getMatchLabels();
    Map<String, Long> perZone = new HashMap<>();
    for (RunningPod p : pods.values()) {
      if (!p.terminating && p.namespace.equals(d.getMetadata().getNamespace())
          && p.labels.entrySet().containsAll(match.entrySet())) {
        perZone.merge(p.node.zone(), 1L, Long::sum);
      }
    }
    Set<String> zones = allowedZones;
    return nodes.stream()
        .filter(n -> !cordoned.contains(n.zone()) && (zones == null || zones.contains(n.zone())))
        .min(Comparator.comparing((Node n) -> perZone.getOrDefault(n.zone(), 0L)).thenComparing(Node::name))
        .orElse(null);
  }

  /** Endpoints first (the loop tells its listeners), then SIGTERM; SIGKILL after the grace period. */
  private void terminate(RunningPod p) {
    if (p.terminating) {
      return;
    }
    p.terminating = true;
    p.ready = false;
    p.written = false;
    System.out.println("[pods] terminating " + p);
    GatewayProcess proc = p.process;
    terminators.execute(() -> {
      try {
        proc.stop(Duration.ofSeconds(p.graceSeconds));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  private void changed() {
    List<RunningPod> snapshot = List.copyOf(pods.values());
    for (var l : podListeners) {
      l.accept(snapshot);
    }
  }

  /** The template hash the ReplicaSet of a template would carry. */
  static String templateHash(Deployment d) {
    try {
      String json = io.fabric8.kubernetes.client.utils.Serialization.asJson(d.getSpec().getTemplate());
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha, 0, 5);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String key(String ns, String name) {
    return ns + "/" + name;
  }

  private void writePods() {
    for (RunningPod p : pods.values()) {
      if (p.written) {
        continue;
      }
      Pod pod = new PodBuilder()
          .withNewMetadata().withNamespace(p.namespace).withName(p.name).withLabels(p.labels).endMetadata()
          .withSpec(p.template.getSpec().getTemplate().getSpec())
          .build();
      pod.getSpec().setNodeName(p.node.name());
      pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
          .withPhase("Running").withPodIP(p.ip).withHostIP(p.ip)
          .addNewCondition().withType("Ready").withStatus(p.ready ? "True" : "False").endCondition()
          .addNewCondition().withType("ContainersReady").withStatus(p.ready ? "True" : "False").endCondition()
          .build());
      try {
        client.pods().inNamespace(p.namespace).resource(pod)
            .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        p.written = true;
      } catch (KubernetesClientException e) {
        System.out.println("[pods] could not write pod " + p.name + ": " + e.getMessage());
      }
    }
  }

  private void deletePodObject(RunningPod p) {
    try {
      client.pods().inNamespace(p.namespace).withName(p.name).delete();
    } catch (KubernetesClientException e) {
      // the API server may be away; the pod is gone either way
    }
  }

  private void writeStatus(Deployment d) {
    String ns = d.getMetadata().getNamespace();
    String name = d.getMetadata().getName();
    String hash = templateHash(d);
    List<RunningPod> mine = pods.values().stream()
        .filter(p -> !p.terminating && p.namespace.equals(ns) && p.deployment.equals(name)).toList();
    int ready = (int) mine.stream().filter(p -> p.ready).count();
    int updated = (int) mine.stream().filter(p -> p.hash.equals(hash)).count();
    int desired = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
    DeploymentStatus status = new DeploymentStatusBuilder()
        .withObservedGeneration(d.getMetadata().getGeneration())
        .withReplicas(mine.size())
        .withUpdatedReplicas(updated)
        .withReadyReplicas(ready)
        .withAvailableReplicas(ready)
        .withUnavailableReplicas(Math.max(0, desired - ready))
        .build();
    String k = key(ns, name);
    if (status.equals(writtenStatus.get(k))) {
      return;
    }
    try {
      client.apps().deployments().inNamespace(ns).withName(name).subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE),
              client.getKubernetesSerialization().asJson(Map.of("status", status)));
      writtenStatus.put(k, status);
    } catch (KubernetesClientException e) {
      System.out.println("[pods] could not write status of " + k + ": " + e.getMessage());
    }
  }

  @Override
  public void close() throws InterruptedException {
    loop.shutdownNow();
    loop.awaitTermination(10, TimeUnit.SECONDS);
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (RunningPod p : pods.values()) {
      stops.add(CompletableFuture.runAsync(() -> {
        try {
          p.process.stop(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    stops.forEach(CompletableFuture::join);
    terminators.shutdownNow();
    client.close();
  }
}
