package dev.archway.gateway;

import io.smallrye.config.ConfigMapping;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Settings of a gateway process, {@code archway.*}: from application.properties, system
 * properties ({@code -Darchway.config.file=...}) or environment ({@code ARCHWAY_CONFIG_FILE=...}).
 */
@ConfigMapping(prefix = "archway")
public interface GatewaySettings {

  /** Where the routing config comes from. */
  ConfigSettings config();

  /**
   * Address every proxy listener binds to. Several gateways can share a host and the same
   * ports on different loopback addresses (127.0.0.2, 127.0.0.3, ...).
   */
  @WithDefault("0.0.0.0")
  String bindHost();

  /**
   * On shutdown, how long to wait for requests in flight before the listeners close. Readiness
   * goes DOWN first; set QUARKUS_SHUTDOWN_DELAY to keep serving while endpoints are withdrawn.
   */
  @WithDefault("10s")
  Duration drainTimeout();

  /** The on-disk copy of the last applied config. */
  LastKnownGoodSettings lastKnownGood();

  /** Listeners and upstream connections. */
  ProxySettings proxy();

  /** Deliberate failures for tests of what a bad version does; off by default. */
  FaultSettings fault();

  /** What clients may send and how slowly. */
  LimitsSettings limits();

  /** The per-request JSON log. */
  AccessLogSettings accessLog();

  /** Certificates of HTTPS listeners. */
  TlsSettings tls();

  /** Kinds of config source. */
  enum Source {
    /** A local file, {@code archway.config.file}. */
    FILE,
    /** A ConfigMap read through the Kubernetes API. */
    KUBERNETES
  }

  /** {@code archway.config.*} */
  interface ConfigSettings {

    /** {@code file} or {@code kubernetes}. */
    @WithDefault("file")
    Source source();

    /** Config document (JSON or YAML) to serve; required when the source is {@code file}. */
    Optional<Path> file();

    /** How often the file is checked for changes. */
    @WithDefault("200ms")
    Duration pollInterval();

    /** Namespace of the ConfigMap; default: the namespace of the kubeconfig context or the pod. */
    Optional<String> namespace();

    /** Name of the ConfigMap; required when the source is {@code kubernetes}. */
    Optional<String> configMap();

    /** Data key of the ConfigMap that holds the document. */
    @WithDefault("config.json")
    String key();

    /** How long to wait at start for the Kubernetes API before serving the last-known-good config. */
    @WithDefault("5s")
    Duration startupTimeout();
  }

  /** {@code archway.last-known-good.*} */
  interface LastKnownGoodSettings {

    /**
     * Directory where every applied config is written (atomically) as last-known-good.json; in
     * kubernetes mode the gateway starts from it when the API is unreachable. Unset: no copy.
     */
    Optional<Path> dir();
  }

  /** {@code archway.proxy.*} */
  interface ProxySettings {

    /** Server instances per listener, each on its own event loop; default: one per CPU. */
    OptionalInt instances();

    /** How long to wait for a connection to a target before answering 504. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** How long a target may stay silent during an exchange before the gateway answers 504. */
    @WithDefault("60s")
    Duration idleTimeout();

    /**
     * Limit on a whole upstream exchange, retries included, before the gateway answers 504; a
     * Service's timeouts.requestMillis overrides it. 0: no limit.
     */
    @WithDefault("0s")
    Duration requestTimeout();

    /** An idle pooled upstream connection is closed after this; a Service's timeouts.idleMillis overrides it. */
    @WithDefault("60s")
    Duration keepAliveTimeout();

    /** Keep-alive connections pooled per target and event loop. */
    @WithDefault("256")
    int maxConnectionsPerTarget();

    /** HTTP/2 towards clients. */
    Http2Settings http2();
  }

  /** {@code archway.proxy.http2.*}: h2c (prior knowledge and {@code Upgrade: h2c}) on the listeners. */
  interface Http2Settings {

    /**
     * True: cleartext listeners also speak h2c (prior knowledge and Upgrade: h2c). Off by default
     * because the first request of each cleartext connection then escapes the client limits' own
     * checks (see Http2Options); HTTPS listeners offer h2 by ALPN either way.
     */
    @WithDefault("false")
    boolean enabled();

    /** Streams a client may have open at once on one connection. */
    @WithDefault("100")
    long maxConcurrentStreams();
  }

  /** {@code archway.tls.*} */
  interface TlsSettings {

    /**
     * How often the certificate and key files of HTTPS listeners are read again; a changed, sound
     * pair is served to new connections, a broken one is logged and the old one kept. 0: never.
     */
    @WithDefault("2s")
    Duration reloadInterval();
  }

  /** {@code archway.fault.*}: like Envoy's fault filter, for testing canaries and alerts; never set in production. */
  interface FaultSettings {

    /**
     * Share (0 to 100 per cent) of the requests matching a route that the gateway answers itself
     * with {@link #abortStatus()} instead of proxying; counted in the request metrics like any answer.
     */
    @WithDefault("0")
    double abortPercent();

    /** Status of an aborted request. */
    @WithDefault("503")
    int abortStatus();
  }

  /** {@code archway.limits.*}: protection against abusive or broken clients. */
  interface LimitsSettings {

    /** All request header lines together (then 431). */
    @WithDefault("32K")
    MemorySize maxHeaderSize();

    /** The request line: method, URI and version (then 414). */
    @WithDefault("8K")
    MemorySize maxRequestLine();

    /** A request body, announced or streamed (then 413, or a reset once the answer started); 0: no limit. */
    @WithDefault("10M")
    MemorySize maxBodySize();

    /** From a request's first byte until its headers are complete (then 408 and close); 0: none. */
    @WithDefault("10s")
    Duration headerTimeout();

    /** Longest silence while a request body is being read (then 408, or a reset); 0: none. */
    @WithDefault("30s")
    Duration bodyTimeout();

    /**
     * A keep-alive client connection without a request in progress is closed after this; longer
     * than the usual load balancer idle timeout (60 s), so the balancer closes first. 0: never.
     */
    @WithDefault("75s")
    Duration idleTimeout();
  }

  /** {@code archway.access-log.*} */
  interface AccessLogSettings {

    /** One JSON line per request on stdout (log category archway.access). */
    @WithDefault("false")
    boolean enabled();
  }
}
