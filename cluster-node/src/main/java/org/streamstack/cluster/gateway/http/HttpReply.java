package org.streamstack.cluster.gateway.http;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.streamstack.protocol.gateway.ApiJson;
import org.streamstack.protocol.gateway.Envelope;

/** Responses in the envelope of PROTOCOL.md 1. */
public final class HttpReply {

  private HttpReply() {}

  public static HttpResponse sync(int status, Object metadata) {
    return json(status, Envelope.success(status, metadata));
  }

  public static HttpResponse collection(Object metadata, int totalSize) {
    return json(200, Envelope.collection(200, metadata, totalSize));
  }

  public static HttpResponse error(int status, String message) {
    return json(status, Envelope.failure(status, message));
  }

  public static HttpResponse json(int status, Object body) {
    return HttpResponse.create()
        .withStatus(StatusCodes.get(status))
        .withEntity(ContentTypes.APPLICATION_JSON, ApiJson.write(body));
  }

  /** The CORS headers of a response to a request from {@code origin} (null: not a CORS request). */
  public static List<HttpHeader> corsHeaders(List<String> allowedOrigins, String origin, boolean preflight) {
    List<HttpHeader> headers = new ArrayList<>(5);
    if (allowedOrigins.contains("*")) {
      headers.add(RawHeader.create("Access-Control-Allow-Origin", "*"));
    } else if (origin != null && allowedOrigins.contains(origin)) {
      headers.add(RawHeader.create("Access-Control-Allow-Origin", origin));
      headers.add(RawHeader.create("Vary", "Origin"));
    } else {
      return headers;
    }
    if (preflight) {
      headers.add(RawHeader.create("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE, OPTIONS"));
      headers.add(RawHeader.create("Access-Control-Allow-Headers", "Authorization, Content-Type"));
      headers.add(RawHeader.create("Access-Control-Max-Age", "600"));
    }
    return headers;
  }
}
