package dev.archway.operator.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One real gateway process on a loopback address, as a pod would run it: started through the
 * launcher, its output kept in a log file, stopped with SIGTERM.
 */
public final class GatewayProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final String address;
  private final int managementPort;
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private GatewayProcess(String name, String address, int managementPort, Process process) {
    this.name = name;
    this.address = address;
    this.managementPort = managementPort;
    this.process = process;
  }

  /**
   * Starts a gateway.
   *
   * @param name shown before echoed lines and in the log file name
   * @param command launcher and its arguments, e.g. {@code [bin/archway, gateway, --config, FILE]}
   * @param env environment on top of this process's own
   * @param address loopback address the pod's listeners and management port bind to
   * @param managementPort port of /q/health
   * @param logFile where all output goes
   * @param echo lines worth showing go here with the name in front; null shows none
   * @param showLine which lines to echo
   */
  public static GatewayProcess start(
      String name, List<String> command, Map<String, String> env, String address, int managementPort,
      Path logFile, PrintStream echo, Predicate<String> showLine) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().put("ARCHWAY_BIND_HOST", address);
    pb.environment().put("QUARKUS_MANAGEMENT_HOST", address);
    pb.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
    Files.createDirectories(logFile.getParent());
    Process process = pb.start();
    GatewayProcess gateway = new GatewayProcess(name, address, managementPort, process);
    Thread pump = new Thread(() -> gateway.pump(logFile, echo, showLine), "log-" + name);
    pump.setDaemon(true);
    pump.start();
    return gateway;
  }

  private void pump(Path logFile, PrintStream echo, Predicate<String> showLine) {
    try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         var out = Files.newBufferedWriter(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      for (String line; (line = in.readLine()) != null; ) {
        lines.add(line);
        out.write(line);
        out.newLine();
        out.flush();
        if (echo != null && showLine.test(line)) {
          echo.println("[" + name + "] " + line.strip());
        }
      }
    } catch (IOException e) {
      // the stream closes when the process is stopped; anything else is worth a line
      if (process.isAlive()) {
        System.err.println("[" + name + "] log pump stopped: " + e);
      }
    }
  }

  public String name() {
    return name;
  }

  public String address() {
    return address;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Output so far. */
  public List<String> output() {
    return new ArrayList<>(lines);
  }

  /** HTTP status of /q/health/ready, or -1 when nothing answers. */
  public int readiness() {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + address + ":" + managementPort + "/q/health/ready"))
          .timeout(Duration.ofSeconds(1)).build();
      return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Waits until the readiness probe passes; fails early when the process dies. */
  public void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
      }
      if (readiness() == 200) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + tail());
  }

  private String tail() {
    List<String> all = output();
    return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  public void stop(Duration grace) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(10));
  }
}
