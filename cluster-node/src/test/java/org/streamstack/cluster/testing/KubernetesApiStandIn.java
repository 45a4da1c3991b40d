package org.streamstack.cluster.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A stand-in for the Kubernetes API server, as Pekko's Kubernetes API discovery sees it: HTTPS with
 * a CA certificate, a service account token and a namespace (files, as in a pod), and
 * {@code GET /api/v1/namespaces/NS/pods?labelSelector=...} answering a pod list. Each pod is a
 * process on 127.0.0.1 whose management port is its container port named "management".
 */
public final class KubernetesApiStandIn implements AutoCloseable {

  /** A pod the stand-in lists when its label selector is asked for. */
  public record Pod(String name, int managementPort) {}

  /** One request the stand-in answered. */
  public record Request(String path, String labelSelector, String authorization) {}

  public final String namespace = "streamstack-test";
  public final String token = UUID.randomUUID().toString();
  public final Path caCertificate;
  public final Path tokenFile;
  public final Path namespaceFile;
  private final HttpsServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final String labelSelector;
  private volatile List<Pod> pods;

  private KubernetesApiStandIn(Path dir, String labelSelector, List<Pod> pods) throws Exception {
    this.labelSelector = labelSelector;
    this.pods = List.copyOf(pods);
    Path keyStore = dir.resolve("api-server.p12");
    caCertificate = dir.resolve("ca.crt");
    keytool("-genkeypair", "-alias", "api-server", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=kubernetes-stand-in", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
        "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", "stand-in", "-keypass", "stand-in");
    keytool("-exportcert", "-rfc", "-alias", "api-server", "-keystore", keyStore.toString(),
        "-storepass", "stand-in", "-file", caCertificate.toString());
    tokenFile = Files.writeString(dir.resolve("token"), token);
    namespaceFile = Files.writeString(dir.resolve("namespace"), namespace);

    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keyStore.toFile())) {
      keys.load(in, "stand-in".toCharArray());
    }
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, "stand-in".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/", exchange -> {
      String query = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
      String selector = null;
      for (String part : query.split("&")) {
        if (part.startsWith("labelSelector=")) selector = URLDecoder.decode(part.substring(14), StandardCharsets.UTF_8);
      }
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      requests.add(new Request(exchange.getRequestURI().getPath(), selector, authorization));
      int status;
      String body;
      if (!("Bearer " + token).equals(authorization)) {
        status = 401;
        body = "{\"kind\":\"Status\",\"code\":401}";
      } else if (!exchange.getRequestURI().getPath().equals("/api/v1/namespaces/" + namespace + "/pods")) {
        status = 404;
        body = "{\"kind\":\"Status\",\"code\":404}";
      } else {
        status = 200;
        body = podList(labelSelector.equals(selector) ? this.pods : List.of());
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
  }

  /** Lists {@code pods} for {@code labelSelector}, nothing for any other selector. */
  public static KubernetesApiStandIn start(Path dir, String labelSelector, List<Pod> pods) {
    try {
      return new KubernetesApiStandIn(dir, labelSelector, pods);
    } catch (Exception e) {
      throw new IllegalStateException("the Kubernetes API stand-in did not start: " + e, e);
    }
  }

  /** From now on lists {@code pods}: pods scheduled or gone, as the Deployment scales. */
  public void setPods(List<Pod> pods) {
    this.pods = List.copyOf(pods);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private static String podList(List<Pod> pods) {
    return pods.stream().map(pod -> """
        {"metadata":{"name":"%s"},
         "spec":{"containers":[{"name":"cluster-node","ports":[{"name":"management","containerPort":%d}]}]},
         "status":{"podIP":"127.0.0.1","phase":"Running","containerStatuses":[{"name":"cluster-node","state":{"running":{}}}]}}"""
        .formatted(pod.name(), pod.managementPort()))
        .collect(Collectors.joining(",", "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":[", "]}"));
  }

  private static void keytool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", arguments) + " failed: " + output);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
