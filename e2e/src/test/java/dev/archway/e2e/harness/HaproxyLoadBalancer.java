package dev.archway.e2e.harness;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy in front of the gateway pods, as kube-proxy and a cloud load balancer would be: one
 * server slot per endpoint (a ready, not terminating pod behind the Kubernetes Service), each
 * health-checked on the pod's management readiness endpoint. Endpoints are changed through the
 * runtime API (server-template slots set to an address and enabled, or put in maintenance), so
 * nothing is reloaded and no client connection is cut.
 */
public final class HaproxyLoadBalancer implements AutoCloseable {

  static final int SLOTS = 48;
  static final String BACKEND = "gateways";

  private final Process process;
  private final Path socket;
  private final int port;
  private final Map<String, Integer> slotOf = new LinkedHashMap<>();
  private final Deque<Integer> free = new ArrayDeque<>();

  private HaproxyLoadBalancer(Process process, Path socket, int port) {
    this.process = process;
    this.socket = socket;
    this.port = port;
    for (int i = 1; i <= SLOTS; i++) {
      free.add(i);
    }
  }

  /**
   * Starts HAProxy on 127.0.0.1:{@code port}, forwarding to pods' {@code podPort} and checking
   * their {@code managementPort}.
   */
  public static HaproxyLoadBalancer start(Path dir, int port, int podPort, int managementPort) throws IOException {
    Files.createDirectories(dir);
    Path socket = dir.resolve("admin.sock");
    Files.deleteIfExists(socket);
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(cfg, """
        global
          stats socket %s mode 600 level admin
          maxconn 4096
        defaults
          mode http
          option http-keep-alive
          timeout connect 1s
          timeout client 60s
          timeout server 30s
          timeout http-keep-alive 60s
          timeout queue 5s
          # a refused connection is tried again on another server, as most cloud load balancers do;
          # a request already sent is never retried
          retries 2
          option redispatch 1
        frontend lb
          bind 127.0.0.1:%d
          default_backend %s
        backend %s
          balance roundrobin
          option httpchk GET /q/health/ready
          http-check expect status 200
          # like the pods' readiness probe: 1 s timeout, two failures in a row take a server out
          timeout check 1s
          default-server check port %d inter 500ms fastinter 250ms downinter 500ms fall 2 rise 1
          server-template pod 1-%d 127.0.0.1:%d disabled
        """.formatted(socket, port, BACKEND, BACKEND, managementPort, SLOTS, podPort));
    Process p = new ProcessBuilder("haproxy", "-db", "-f", cfg.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
    HaproxyLoadBalancer lb = new HaproxyLoadBalancer(p, socket, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException("haproxy exited: " + Files.readString(dir.resolve("haproxy.log")));
      }
      try {
        lb.command("show info");
        break;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("haproxy runtime API not up", e);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(ie);
        }
      }
    }
    System.out.println("[lb] haproxy pid " + p.pid() + " on 127.0.0.1:" + port);
    return lb;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** Makes the backend's servers exactly these endpoints (pod name to address). */
  public synchronized void setEndpoints(Map<String, String> endpoints) {
    try {
      for (var e : Map.copyOf(slotOf).entrySet()) {
        if (!endpoints.containsKey(e.getKey())) {
          // no new requests; requests in flight on it finish
          command("set server " + BACKEND + "/pod" + e.getValue() + " state maint");
          slotOf.remove(e.getKey());
          free.addLast(e.getValue());
          System.out.println("[lb] - " + e.getKey());
        }
      }
      for (var e : endpoints.entrySet()) {
        if (!slotOf.containsKey(e.getKey())) {
          int slot = free.removeFirst();
          String server = BACKEND + "/pod" + slot;
          command("set server " + server + " addr " + e.getValue());
          command("set server " + server + " state ready");
          slotOf.put(e.getKey(), slot);
          System.out.println("[lb] + " + e.getKey() + " " + e.getValue());
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Operational state per endpoint as HAProxy sees it: UP, DOWN, MAINT, ... */
  public synchronized Map<String, String> serverStates() {
    return column("status");
  }

  /** The server slot ({@code pod<N>}) of an endpoint now in the backend. */
  public synchronized String serverOf(String pod) {
    Integer slot = slotOf.get(pod);
    if (slot == null) {
      throw new IllegalArgumentException(pod + " is not in the load balancer: " + slotOf.keySet());
    }
    return "pod" + slot;
  }

  /**
   * The state of a server slot (UP, DOWN, MAINT once its endpoint was withdrawn, ...) and how
   * many times HAProxy has picked it for a request (its {@code lbtot} counter, including picks
   * that a refused connection then redispatched elsewhere). By slot, so that it still answers
   * after the endpoint left.
   */
  public synchronized String state(String server) {
    return stat(server, "status");
  }

  public synchronized long selections(String server) {
    return Long.parseLong(stat(server, "lbtot"));
  }

  private String stat(String server, String column) {
    try {
      String[] lines = command("show stat").split("\n");
      java.util.List<String> header = java.util.List.of(lines[0].replaceFirst("^# ", "").split(","));
      int col = header.indexOf(column);
      for (String line : lines) {
        String[] f = line.split(",", -1);
        if (col >= 0 && f.length > col && f[0].equals(BACKEND) && f[1].equals(server)) {
          return f[col];
        }
      }
      throw new IllegalStateException("haproxy show stat: no " + column + " of " + BACKEND + "/" + server);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** One column of {@code show stat} per endpoint, found by its name in the CSV header. */
  private Map<String, String> column(String name) {
    Map<String, String> bySlot = new HashMap<>();
    try {
      String[] lines = command("show stat").split("\n");
      java.util.List<String> header = java.util.List.of(lines[0].replaceFirst("^# ", "").split(","));
      int col = header.indexOf(name);
      if (col < 0) {
        throw new IllegalStateException("haproxy show stat has no column " + name + ": " + header);
      }
      for (String line : lines) {
        String[] f = line.split(",", -1);
        if (f.length > col && f[0].equals(BACKEND) && f[1].startsWith("pod")) {
          bySlot.put(f[1].substring(3), f[col]);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    slotOf.forEach((pod, slot) -> values.put(pod, bySlot.getOrDefault(Integer.toString(slot), "?")));
    return values;
  }

  /** One runtime API command, its answer. */
  String command(String cmd) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap((cmd + "\n").getBytes(StandardCharsets.UTF_8)));
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      StringBuilder out = new StringBuilder();
      while (ch.read(buf) > 0) {
        buf.flip();
        out.append(StandardCharsets.UTF_8.decode(buf));
        buf.clear();
      }
      String answer = out.toString();
      if (!cmd.startsWith("show") && !answer.isBlank() && !answer.startsWith("IP changed")
          && !answer.startsWith("no need to change")) {
        throw new IOException("haproxy: " + cmd + ": " + answer.strip());
      }
      return answer;
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
