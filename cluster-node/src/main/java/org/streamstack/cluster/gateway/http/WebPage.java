package org.streamstack.cluster.gateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The demo page a person streams from: {@code GET /} is {@code web/index.html}, {@code GET
 * /static/<name>} a file beside it, both from the classpath. No token is needed: the page asks
 * for one and sends it with its API calls.
 *
 * <p>Only flat names of known kinds are served ({@code app.js}, not {@code a/b.js} or
 * {@code ../x}), so no request can reach another resource of the classpath.
 */
public final class WebPage {

  private static final String ROOT = "web/";
  private static final String INDEX = "index.html";
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*\\.(html|js|css|svg|png|ico)");

  private static final Map<String, ContentType> CONTENT_TYPES = Map.of(
      "html", ContentTypes.TEXT_HTML_UTF8,
      "js", MediaTypes.APPLICATION_JAVASCRIPT.toContentType(HttpCharsets.UTF_8),
      "css", MediaTypes.TEXT_CSS.toContentType(HttpCharsets.UTF_8),
      "svg", MediaTypes.IMAGE_SVG_XML.toContentType(),
      "png", MediaTypes.IMAGE_PNG.toContentType(),
      "ico", MediaTypes.IMAGE_X_ICON.toContentType());

  /**
   * The page talks only to its own origin (the API) and to the session's websocket, which may
   * be on another host when the gateway has a public URL; it runs only its own scripts.
   */
  private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; media-src 'self' blob:; connect-src 'self' ws: wss:; object-src 'none'; "
      + "base-uri 'none'; frame-ancestors 'self'";

  private final ClassLoader classLoader;
  /** Files read once: they are part of the build and never change while the node runs. */
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();

  public WebPage() {
    this(WebPage.class.getClassLoader());
  }

  WebPage(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  /** Whether {@code path} (segments of the request path) belongs to the page rather than the API. */
  public static boolean owns(List<String> path) {
    return path.isEmpty() || path.get(0).equals("static");
  }

  /** The response to a GET of {@code path}, one {@link #owns} accepts; empty when there is no such file. */
  public Optional<HttpResponse> serve(List<String> path) {
    String name;
    if (path.isEmpty()) {
      name = INDEX;
    } else if (path.size() == 2) {
      name = path.get(1);
    } else {
      return Optional.empty();
    }
    if (!FILE_NAME.matcher(name).matches()) return Optional.empty();
    byte[] content = read(name);
    if (content == null) return Optional.empty();
    ContentType type = CONTENT_TYPES.get(name.substring(name.lastIndexOf('.') + 1));
    HttpResponse response = HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(type, content)
        // The page changes with each build of the node: a browser must ask again every time.
        .addHeader(RawHeader.create("Cache-Control", "no-cache"))
        .addHeader(RawHeader.create("X-Content-Type-Options", "nosniff"));
    if (type.equals(ContentTypes.TEXT_HTML_UTF8)) {
      response = response
          .addHeader(RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY))
          .addHeader(RawHeader.create("Referrer-Policy", "no-referrer"));
    }
    return Optional.of(response);
  }

  private byte[] read(String name) {
    byte[] cached = files.get(name);
    if (cached != null) return cached;
    // Names that are not there are not remembered, so that asking for many cannot fill memory.
    try (InputStream in = classLoader.getResourceAsStream(ROOT + name)) {
      if (in == null) return null;
      byte[] content = in.readAllBytes();
      files.put(name, content);
      return content;
    } catch (IOException e) {
      throw new IllegalStateException("page file " + ROOT + name + " cannot be read", e);
    }
  }
}
