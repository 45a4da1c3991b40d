package org.streamstack.cluster.gateway.http;

import java.util.List;
import java.util.Set;

/**
 * The path pattern a request matched, the {@code route} label of the HTTP metrics: ids become
 * placeholders, and paths the API does not serve are all "other", so that no client can grow the
 * number of time series by sending made-up paths.
 */
public final class RoutePattern {

  public static final String OTHER = "other";

  private static final Set<String> SESSION_ACTIONS = Set.of("join", "connect", "share");
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD");

  private RoutePattern() {}

  /** The pattern of a path given as its segments (no empty ones). */
  public static String of(List<String> path) {
    if (path.isEmpty()) return "/";
    if (path.get(0).equals("static")) return "/static/{file}";
    if (!path.get(0).equals("1.0") || path.size() < 2) return OTHER;
    String collection = path.get(1);
    switch (collection) {
      case "status":
      case "applications":
      case "regions":
        return path.size() == 2 ? "/1.0/" + collection : OTHER;
      case "shares":
        if (path.size() == 2) return "/1.0/shares";
        if (path.size() == 3) return "/1.0/shares/{id}";
        return path.size() == 4 && path.get(3).equals("join") ? "/1.0/shares/{id}/join" : OTHER;
      case "sessions":
        if (path.size() == 2) return "/1.0/sessions";
        if (path.size() == 3) return "/1.0/sessions/{id}";
        if (path.size() == 4 && SESSION_ACTIONS.contains(path.get(3))) return "/1.0/sessions/{id}/" + path.get(3);
        if (path.size() == 5 && path.get(3).equals("sockets")) return "/1.0/sessions/{id}/sockets/{side}";
        return OTHER;
      default:
        return OTHER;
    }
  }

  /** The method label: one of the methods HTTP defines that the API could see, else "other". */
  public static String method(String method) {
    return METHODS.contains(method) ? method : OTHER;
  }
}
