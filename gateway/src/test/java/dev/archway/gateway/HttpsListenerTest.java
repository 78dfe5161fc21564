package dev.archway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.gateway.ApplyOutcome.Result;
import dev.archway.gateway.proxy.ListenerSet;
import dev.archway.gateway.tls.CertificateReloader;
import dev.archway.gateway.upstream.UpstreamSet;
import dev.archway.model.GatewayConfig;
import dev.archway.model.ListenerConfig;
import dev.archway.model.ListenerConfig.CertificateFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS listeners with real TLS clients and a real upstream: SNI, ALPN, reloading certificate files. */
class HttpsListenerTest {

  static Vertx vertx;
  @TempDir static Path certs;
  static CertificateFiles siteV1;
  static CertificateFiles siteV2;
  static CertificateFiles api;
  static CertificateFiles rsa;

  @TempDir Path dir;
  TestUpstream upstream;
  SimpleMeterRegistry registry;
  CertificateReloader reloader;
  ListenerSet listeners;
  ConfigApplier applier;
  int port;
  final List<HttpClient> clients = new java.util.ArrayList<>();

  /** The answer and the certificate the gateway presented on that connection. */
  record Answer(int status, String body, HttpVersion version, X509Certificate peer) {
    String subject() {
      return peer.getSubjectX500Principal().getName();
    }
  }

  @BeforeAll
  static void createCertificates() throws Exception {
    warmUpBouncyCastle();
    vertx = Vertx.vertx();
    siteV1 = TestCertificates.create(certs, "site-v1", "/CN=site.test/O=v1", "site.test", "www.site.test");
    siteV2 = TestCertificates.create(certs, "site-v2", "/CN=site.test/O=v2", "site.test", "www.site.test");
    api = TestCertificates.create(certs, "api", "/CN=api.test", "api.test", "*.api.test");
    rsa = TestCertificates.createRsa(certs, "rsa", "/CN=rsa.test", "rsa.test");
  }

  /**
   * The test classpath holds BouncyCastle (through the mock API server), and Netty loads it on the
   * first ALPN handshake: on the event loop, for seconds on a busy machine. Loaded here instead.
   * The gateway's own classpath has no BouncyCastle.
   */
  static void warmUpBouncyCastle() {
    try {
      Class.forName("org.bouncycastle.jce.provider.BouncyCastleProvider").getConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError absent) {
      // not on the classpath: nothing to warm up
    }
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    upstream = TestUpstream.start(vertx, "up");
    port = Ports.free();
  }

  /** The gateway's parts as {@link Gateway} wires them; the files are polled every {@code interval}. */
  void gateway(Duration interval) {
    registry = new SimpleMeterRegistry();
    reloader = new CertificateReloader(interval, registry);
    LiveConfig live = new LiveConfig();
    listeners = new ListenerSet(vertx, GatewayUnderTest.OPTIONS, live::routeTable, new GatewayMetrics(registry),
        reloader);
    applier = new ConfigApplier(live, listeners, new UpstreamSet(vertx, registry), Optional.empty(),
        new GatewayMetrics(registry));
  }

  @AfterEach
  void stop() throws Exception {
    for (HttpClient c : clients) {
      c.close();
    }
    if (applier != null) {
      applier.close();
      listeners.close();
    }
    upstream.close();
  }

  /** Copies a pair to the file names the config uses, as a mounted Secret would have them. */
  CertificateFiles mounted(String name, CertificateFiles from) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    CertificateFiles files = new CertificateFiles(d.resolve("tls.crt").toString(), d.resolve("tls.key").toString());
    TestCertificates.replace(files, from);
    return files;
  }

  GatewayConfig https(CertificateFiles... certificates) {
    GatewayConfig plain = Configs.everythingTo(port, upstream.port());
    return new GatewayConfig(plain.schemaVersion(), null, plain.cluster(),
        List.of(new ListenerConfig("https", port, ListenerConfig.HTTPS, new ListenerConfig.Tls(List.of(certificates)))),
        plain.routes(), plain.services()).withContentVersion();
  }

  ApplyOutcome apply(GatewayConfig config) throws Exception {
    return applier.submit(Configs.json(config), "test").get(20, TimeUnit.SECONDS);
  }

  HttpClient client(HttpVersion version) {
    HttpClient c = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
        .setForceSni(true).setUseAlpn(true).setProtocolVersion(version).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(1).setHttp2MaxSize(1));
    clients.add(c);
    return c;
  }

  /** A request to the listener on 127.0.0.1 naming {@code serverName} in SNI and Host (an IP sends no SNI). */
  Answer send(HttpClient client, String serverName, HttpMethod method, String path, String body) throws Exception {
    RequestOptions options = new RequestOptions().setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
        .setHost(serverName).setPort(port).setMethod(method).setURI(path);
    return client.request(options)
        .compose(r -> (body == null ? r.send() : r.send(Buffer.buffer(body)))
            .compose(response -> response.body().map(b -> answer(response, b))))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  Answer get(HttpClient client, String serverName) throws Exception {
    return send(client, serverName, HttpMethod.GET, "/", null);
  }

  private static Answer answer(HttpClientResponse response, Buffer body) {
    try {
      X509Certificate peer = (X509Certificate) response.request().connection().peerCertificates().get(0);
      return new Answer(response.statusCode(), body.toString(), response.version(), peer);
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theServerNameSelectsTheCertificateAndTheFirstIsServedWithoutAMatch() throws Exception {
    gateway(Duration.ZERO);
    assertThat(apply(https(mounted("site", siteV1), mounted("api", api))).result()).isEqualTo(Result.APPLIED);

    Answer toApi = get(client(HttpVersion.HTTP_1_1), "api.test");
    assertThat(toApi.status()).isEqualTo(200);
    assertThat(toApi.body()).isEqualTo("up");
    assertThat(toApi.subject()).isEqualTo("CN=api.test");
    assertThat(get(client(HttpVersion.HTTP_1_1), "v2.api.test").subject()).as("wildcard SAN").isEqualTo("CN=api.test");
    assertThat(get(client(HttpVersion.HTTP_1_1), "www.site.test").subject()).isEqualTo("O=v1,CN=site.test");
    assertThat(get(client(HttpVersion.HTTP_1_1), "unknown.test").subject()).as("no SAN matches").isEqualTo("O=v1,CN=site.test");
    assertThat(get(client(HttpVersion.HTTP_1_1), "127.0.0.1").subject()).as("no SNI").isEqualTo("O=v1,CN=site.test");

    TestUpstream.Received seen = upstream.received.peek();
    assertThat(seen.headers().get("x-forwarded-proto")).isEqualTo("https");
  }

  @Test
  void clientLimitsGuardHttp11OverTls() throws Exception {
    gateway(Duration.ZERO);
    assertThat(apply(https(mounted("site", siteV1))).result()).isEqualTo(Result.APPLIED);
    javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
    tls.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    try (java.net.Socket socket = tls.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      // request smuggling shape: both framings; the guard must refuse it on TLS connections too
      socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: site.test\r\nContent-Length: 5\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String reply = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(reply).startsWith("HTTP/1.1 400 ");
    }
    assertThat(upstream.received).as("nothing reached the upstream").isEmpty();
  }

  @Test
  void rsaAndEcCertificatesOnOneListenerAreEachServedForTheirNames() throws Exception {
    gateway(Duration.ZERO);
    assertThat(apply(https(mounted("rsa", rsa), mounted("api", api))).result()).isEqualTo(Result.APPLIED);

    // clients accept both key types (EC usually preferred): each name still gets its own certificate
    assertThat(get(client(HttpVersion.HTTP_1_1), "rsa.test").subject()).isEqualTo("CN=rsa.test");
    assertThat(get(client(HttpVersion.HTTP_2), "rsa.test").subject()).isEqualTo("CN=rsa.test");
    assertThat(get(client(HttpVersion.HTTP_1_1), "api.test").subject()).isEqualTo("CN=api.test");
    assertThat(get(client(HttpVersion.HTTP_1_1), "127.0.0.1").subject()).as("no SNI: the first").isEqualTo("CN=rsa.test");
  }

  @Test
  void http2IsNegotiatedByAlpnAndProxiedToAnHttp1Upstream() throws Exception {
    gateway(Duration.ZERO);
    assertThat(apply(https(mounted("site", siteV1))).result()).isEqualTo(Result.APPLIED);

    HttpClient h2 = client(HttpVersion.HTTP_2);
    Answer answer = get(h2, "www.site.test");
    assertThat(answer.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(answer.body()).isEqualTo("up");
    Answer echoed = send(h2, "www.site.test", HttpMethod.POST, "/echo", "hello over h2");
    assertThat(echoed.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(echoed.body()).isEqualTo("hello over h2");
    // the :authority of HTTP/2 reaches the upstream as its Host header
    assertThat(upstream.received).allSatisfy(r -> {
      assertThat(r.headers().get("host")).isEqualTo("www.site.test:" + port);
      assertThat(r.headers().get("x-forwarded-host")).isEqualTo("www.site.test:" + port);
    });

    Answer http1 = get(client(HttpVersion.HTTP_1_1), "www.site.test");
    assertThat(http1.version()).as("a client without h2 keeps HTTP/1.1").isEqualTo(HttpVersion.HTTP_1_1);
  }

  @Test
  void aRenewedCertificateIsServedToNewConnectionsWhileAnOpenOneKeepsWorking() throws Exception {
    gateway(Duration.ofMillis(100));
    CertificateFiles site = mounted("site", siteV1);
    assertThat(apply(https(site)).result()).isEqualTo(Result.APPLIED);
    HttpClient keptAlive = client(HttpVersion.HTTP_1_1);
    Answer before = get(keptAlive, "site.test");
    assertThat(before.subject()).isEqualTo("O=v1,CN=site.test");
    assertThat(expiry("https", site.certFile())).isEqualTo(siteV1NotAfter());

    TestCertificates.replace(site, siteV2);

    await().atMost(Duration.ofSeconds(10)).until(() -> get(client(HttpVersion.HTTP_1_1), "site.test").subject(),
        subject -> subject.equals("O=v2,CN=site.test"));
    Answer sameConnection = get(keptAlive, "site.test");
    assertThat(sameConnection.status()).isEqualTo(200);
    assertThat(sameConnection.subject()).as("the connection opened before the renewal").isEqualTo("O=v1,CN=site.test");
    assertThat(upstream.count()).isGreaterThanOrEqualTo(3);
    assertThat(expiry("https", site.certFile()))
        .isEqualTo((double) read(siteV2).getNotAfter().toInstant().getEpochSecond());
  }

  @Test
  void aBrokenOrMismatchedReplacementIsRefusedAndTheOldCertificateKeepsServing() throws Exception {
    gateway(Duration.ZERO); // polled by hand below: each check is one round of the reloader
    CertificateFiles site = mounted("site", siteV1);
    assertThat(apply(https(site)).result()).isEqualTo(Result.APPLIED);

    Files.writeString(Path.of(site.certFile()), "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    reloader.reloadChanged();
    assertThat(get(client(HttpVersion.HTTP_1_1), "site.test").subject()).isEqualTo("O=v1,CN=site.test");

    // a new certificate with the old key: they do not belong together
    TestCertificates.copyAtomically(Path.of(siteV2.certFile()), Path.of(site.certFile()));
    reloader.reloadChanged();
    assertThat(get(client(HttpVersion.HTTP_1_1), "site.test").subject()).isEqualTo("O=v1,CN=site.test");

    Files.delete(Path.of(site.keyFile()));
    reloader.reloadChanged();
    assertThat(get(client(HttpVersion.HTTP_1_1), "site.test").subject()).isEqualTo("O=v1,CN=site.test");

    // the key arrives: now the pair is sound
    TestCertificates.copyAtomically(Path.of(siteV2.keyFile()), Path.of(site.keyFile()));
    reloader.reloadChanged();
    assertThat(get(client(HttpVersion.HTTP_1_1), "site.test").subject()).isEqualTo("O=v2,CN=site.test");
  }

  @Test
  void missingFilesRefuseTheConfigNamingTheListenerAndTheRunningOneKeepsServing() throws Exception {
    gateway(Duration.ZERO);
    CertificateFiles site = mounted("site", siteV1);
    GatewayConfig running = https(site);
    assertThat(apply(running).result()).isEqualTo(Result.APPLIED);
    assertThat(get(client(HttpVersion.HTTP_1_1), "site.test").body()).isEqualTo("up");

    int otherPort = Ports.free();
    CertificateFiles absent = new CertificateFiles(dir.resolve("absent/tls.crt").toString(),
        dir.resolve("absent/tls.key").toString());
    GatewayConfig broken = new GatewayConfig(running.schemaVersion(), null, running.cluster(),
        List.of(running.listeners().get(0), new ListenerConfig("partners", otherPort, ListenerConfig.HTTPS,
            new ListenerConfig.Tls(List.of(absent)))),
        running.routes(), running.services()).withContentVersion();
    ApplyOutcome refused = apply(broken);
    assertThat(refused.result()).isEqualTo(Result.REJECTED);
    assertThat(refused.message())
        .contains("listeners[1].tls.certificates[0].certFile: cannot read " + absent.certFile())
        .contains("listener partners");
    assertThat(get(client(HttpVersion.HTTP_1_1), "site.test").body()).isEqualTo("up");

    // a new config naming other files on the open port: served without reopening it
    GatewayConfig toApi = https(mounted("api", api));
    assertThat(apply(toApi).result()).isEqualTo(Result.APPLIED);
    assertThat(get(client(HttpVersion.HTTP_1_1), "site.test").subject()).isEqualTo("CN=api.test");
  }

  double expiry(String listener, String certFile) {
    return registry.get("archway.tls.certificate.expiry.timestamp").tag("listener", listener)
        .tag("certificate", certFile).gauge().value();
  }

  double siteV1NotAfter() throws Exception {
    return read(siteV1).getNotAfter().toInstant().getEpochSecond();
  }

  static X509Certificate read(CertificateFiles files) throws Exception {
    try (var in = Files.newInputStream(Path.of(files.certFile()))) {
      return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
