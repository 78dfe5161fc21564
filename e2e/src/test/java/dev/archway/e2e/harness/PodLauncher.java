package dev.archway.e2e.harness;

import dev.archway.operator.demo.GatewayProcess;
import dev.archway.operator.render.WorkloadRenderer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a Deployment's pod as a real gateway process on a loopback address: the container's
 * command (with the image's launcher mapped to this repository's bin/archway) and environment,
 * downward-API fields filled in the way the kubelet would. Every image runs the same build;
 * {@link #imageEnv} gives an image extra environment so that a test can make one version behave
 * differently.
 */
public final class PodLauncher {

  private final Path repoRoot;
  private final Map<String, String> apiEnv;
  private final Path logDir;
  private final Map<String, Map<String, String>> imageEnv = new HashMap<>();

  public PodLauncher(Path repoRoot, Map<String, String> apiEnv, Path logDir) {
    this.repoRoot = repoRoot;
    this.apiEnv = apiEnv;
    this.logDir = logDir;
  }

  /** Extra environment for every pod whose container runs {@code image}. */
  public synchronized void imageEnv(String image, Map<String, String> env) {
    imageEnv.put(image, Map.copyOf(env));
  }

  public GatewayProcess start(Deployment deployment, String podName, String podIp) throws IOException {
    Container c = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> command = new ArrayList<>();
    for (String part : c.getCommand()) {
      command.add(part.equals(WorkloadRenderer.LAUNCHER) ? repoRoot.resolve("bin/archway").toString() : part);
    }
    if (c.getArgs() != null) {
      command.addAll(c.getArgs());
    }
    Map<String, String> env = new HashMap<>(apiEnv);
    for (EnvVar e : c.getEnv()) {
      env.put(e.getName(), value(e, deployment, podName, podIp));
    }
    // the emptyDir of the last-known-good cache, per pod: it survives a container restart
    if (env.containsKey("ARCHWAY_LAST_KNOWN_GOOD_DIR")) {
      env.put("ARCHWAY_LAST_KNOWN_GOOD_DIR", logDir.resolve(podName + "-cache").toString());
    }
    synchronized (this) {
      env.putAll(imageEnv.getOrDefault(c.getImage(), Map.of()));
    }
    // small heaps: a dozen gateways share this machine
    env.putIfAbsent("JAVA_OPTS", "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    return GatewayProcess.start(podName, command, env, podIp, managementPort(deployment),
        logDir.resolve(podName + ".log"), System.out, line -> line.contains("applied config") || line.contains("ERROR"));
  }

  /** The container port named "management" (health and metrics). */
  public static int managementPort(Deployment deployment) {
    return containerPort(deployment, "management");
  }

  public static int containerPort(Deployment deployment, String name) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
        .filter(p -> name.equals(p.getName())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(deployment.getMetadata().getName() + ": no container port " + name))
        .getContainerPort();
  }

  private static String value(EnvVar e, Deployment d, String podName, String podIp) {
    if (e.getValueFrom() == null) {
      return e.getValue();
    }
    String field = e.getValueFrom().getFieldRef().getFieldPath();
    return switch (field) {
      case "metadata.namespace" -> d.getMetadata().getNamespace();
      case "metadata.name" -> podName;
      case "status.podIP" -> podIp;
      default -> throw new IllegalArgumentException("env " + e.getName() + ": fieldRef " + field + " not emulated");
    };
  }
}
