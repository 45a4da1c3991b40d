package org.streamstack.cluster.ams.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.streamstack.protocol.gateway.ApiJson;

/**
 * {@code streamstack app ...} and {@code streamstack instance ...}: thin clients of the management
 * API, what {@code amc} is to Anbox AMS. Exit codes: 0 done, 1 the API refused (its message is
 * printed), 2 the command line was wrong.
 */
public final class AmsCli {

  public static final String APP_USAGE = """
      usage: streamstack app create NAME [--source synthetic|x11] [--command "PROGRAM ARGS"]
                                         [--codecs h264,vp8] [--encoder auto|gpu|cpu] [--encoder-slots N]
             streamstack app update NAME [same flags as create: a new version of what they change]
             streamstack app list
             streamstack app show NAME
             streamstack app delete NAME

        Applications of the management service (AMS). --command implies --source x11; the default
        source is the built-in synthetic application, codecs h264,vp8, encoder auto, 1 encoder slot.

        --ams-url URL    the AMS API (default http://127.0.0.1:8444; STREAMSTACK_AMS_URL)
        --token TOKEN    the AMS token (default: STREAMSTACK_AMS_TOKEN)
      """;

  public static final String INSTANCE_USAGE = """
      usage: streamstack instance launch APP [--app-version N] [--streaming] [--screen WxH[@FPS]]
             streamstack instance list [--status STATUS]
             streamstack instance show ID
             streamstack instance start ID
             streamstack instance stop ID
             streamstack instance delete ID

        Instances of the management service (AMS). launch waits until the instance runs (or fails)
        and prints its id; start, stop and delete wait for their operation too (at most --wait
        seconds, default 120). An instance launched without --streaming can never be streamed.

        --ams-url URL    the AMS API (default http://127.0.0.1:8444; STREAMSTACK_AMS_URL)
        --token TOKEN    the AMS token (default: STREAMSTACK_AMS_TOKEN)
      """;

  private static final Pattern SCREEN = Pattern.compile("(\\d+)x(\\d+)(?:@(\\d+))?");

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  /** A refusal of the API, or no API at all: exit code 1 with this message. */
  private static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /** The command line, split into the subcommand, its one positional argument and its flags. */
  private record Line(String subcommand, String argument, Map<String, String> flags) {
    String flag(String name) {
      return flags.get(name);
    }

    boolean has(String name) {
      return flags.containsKey(name);
    }

    String required(String what) {
      if (argument == null) throw new IllegalArgumentException(subcommand + " needs " + what);
      return argument;
    }
  }

  private final String baseUrl;
  private final String token;
  private final PrintStream out;

  private AmsCli(String baseUrl, String token, PrintStream out) {
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.token = token;
    this.out = out;
  }

  /**
   * Runs {@code command} ("app" or "instance") with its arguments; what it prints goes to
   * {@code out}, errors to {@code err}. {@code environment} supplies STREAMSTACK_AMS_URL and
   * STREAMSTACK_AMS_TOKEN.
   */
  public static int run(String command, String[] args, Map<String, String> environment, PrintStream out,
      PrintStream err) {
    String usage = command.equals("app") ? APP_USAGE : INSTANCE_USAGE;
    Line line;
    try {
      line = parse(args, command.equals("instance") ? List.of("--streaming") : List.of());
    } catch (IllegalArgumentException e) {
      err.println("streamstack: " + e.getMessage());
      err.print(usage);
      return 2;
    }
    if (line == null) {
      out.print(usage);
      return 0;
    }
    if (line.subcommand() == null) {
      err.print(usage);
      return 2;
    }
    String url = line.has("--ams-url") ? line.flag("--ams-url")
        : environment.getOrDefault("STREAMSTACK_AMS_URL", "http://127.0.0.1:8444");
    String token = line.has("--token") ? line.flag("--token") : environment.get("STREAMSTACK_AMS_TOKEN");
    try {
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("no AMS token: set STREAMSTACK_AMS_TOKEN or pass --token");
      }
      AmsCli cli = new AmsCli(url, token, out);
      if (command.equals("app")) cli.app(line);
      else cli.instance(line);
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("streamstack: " + e.getMessage());
      return 2;
    } catch (Failure e) {
      err.println("streamstack: " + e.getMessage());
      return 1;
    }
  }

  /** Null when help was asked for. Flags in {@code switches} take no value; the others take one. */
  private static Line parse(String[] args, List<String> switches) {
    String subcommand = null;
    String argument = null;
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h") || arg.equals("help")) return null;
      if (arg.startsWith("--")) {
        String name = arg;
        String value;
        int eq = arg.indexOf('=');
        if (eq > 0) {
          name = arg.substring(0, eq);
          value = arg.substring(eq + 1);
        } else if (switches.contains(name)) {
          value = "true";
        } else {
          if (i + 1 >= args.length) throw new IllegalArgumentException(name + " needs a value");
          value = args[++i];
        }
        flags.put(name, value);
      } else if (subcommand == null) {
        subcommand = arg;
      } else if (argument == null) {
        argument = arg;
      } else {
        throw new IllegalArgumentException("unexpected '" + arg + "'");
      }
    }
    return new Line(subcommand, argument, flags);
  }

  private static void allowFlags(Line line, String... allowed) {
    List<String> names = new ArrayList<>(List.of("--ams-url", "--token"));
    names.addAll(List.of(allowed));
    for (String flag : line.flags().keySet()) {
      if (!names.contains(flag)) throw new IllegalArgumentException(line.subcommand() + " does not take " + flag);
    }
  }

  // --- app ------------------------------------------------------------------------------------

  private void app(Line line) {
    switch (line.subcommand()) {
      case "create" -> {
        allowFlags(line, "--source", "--command", "--codecs", "--encoder", "--encoder-slots");
        Map<String, Object> body = applicationBody(line);
        body.put("name", line.required("an application NAME"));
        printApplication(call("POST", "/1.0/applications", body).path("metadata"), "created");
      }
      case "update" -> {
        allowFlags(line, "--source", "--command", "--codecs", "--encoder", "--encoder-slots");
        String name = line.required("an application NAME");
        Map<String, Object> body = applicationBody(line);
        if (body.isEmpty()) throw new IllegalArgumentException("update needs at least one flag to change");
        printApplication(call("PATCH", "/1.0/applications/" + name, body).path("metadata"), "updated");
      }
      case "list" -> {
        allowFlags(line);
        JsonNode applications = call("GET", "/1.0/applications?recursion=1", null).path("metadata");
        out.printf("%-24s %-8s %-10s %-10s %-8s %s%n", "NAME", "VERSION", "SOURCE", "CODECS", "ENCODER", "SLOTS");
        for (JsonNode application : applications) {
          JsonNode latest = latest(application);
          out.printf("%-24s %-8s %-10s %-10s %-8s %s%n", application.path("name").asText(),
              application.path("latest_version").asText(), latest.path("source").path("type").asText(),
              join(latest.path("video_codecs")), latest.path("video_encoder").asText(),
              latest.path("resources").path("encoder_slots").asText());
        }
      }
      case "show" -> {
        allowFlags(line);
        printJson(call("GET", "/1.0/applications/" + line.required("an application NAME"), null).path("metadata"));
      }
      case "delete" -> {
        allowFlags(line);
        String name = line.required("an application NAME");
        call("DELETE", "/1.0/applications/" + name, null);
        out.println("deleted application " + name);
      }
      default -> throw new IllegalArgumentException("app takes create, update, list, show or delete, not '" + line.subcommand() + "'");
    }
  }

  private static Map<String, Object> applicationBody(Line line) {
    Map<String, Object> body = new LinkedHashMap<>();
    String source = line.flag("--source");
    String command = line.flag("--command");
    if (source == null && command != null) source = "x11";
    if (source != null) {
      Map<String, Object> sourceBody = new LinkedHashMap<>();
      sourceBody.put("type", source);
      if (command != null) {
        List<String> words = new ArrayList<>();
        for (String word : command.trim().split("\\s+")) {
          if (!word.isEmpty()) words.add(word);
        }
        sourceBody.put("command", words);
      }
      body.put("source", sourceBody);
    }
    if (line.has("--codecs")) body.put("video_codecs", List.of(line.flag("--codecs").split(",")));
    if (line.has("--encoder")) body.put("video_encoder", line.flag("--encoder"));
    if (line.has("--encoder-slots")) {
      body.put("resources", Map.of("encoder_slots", number("--encoder-slots", line.flag("--encoder-slots"))));
    }
    return body;
  }

  private void printApplication(JsonNode application, String what) {
    JsonNode latest = latest(application);
    out.println(what + " application " + application.path("name").asText() + " version "
        + application.path("latest_version").asText() + " (" + latest.path("source").path("type").asText() + ", "
        + join(latest.path("video_codecs")) + ", encoder " + latest.path("video_encoder").asText() + ")");
  }

  private static JsonNode latest(JsonNode application) {
    JsonNode versions = application.path("versions");
    return versions.path(versions.size() - 1);
  }

  // --- instance -------------------------------------------------------------------------------

  private void instance(Line line) {
    Duration wait = Duration.ofSeconds(line.has("--wait") ? number("--wait", line.flag("--wait")) : 120);
    switch (line.subcommand()) {
      case "launch" -> {
        allowFlags(line, "--app-version", "--streaming", "--screen", "--wait");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("app", line.required("an application name (APP)"));
        if (line.has("--app-version")) body.put("app_version", number("--app-version", line.flag("--app-version")));
        if (line.has("--streaming")) body.put("enable_streaming", true);
        if (line.has("--screen")) body.put("screen", screen(line.flag("--screen")));
        JsonNode operation = finished(call("POST", "/1.0/instances", body), wait);
        out.println(instanceOf(operation));
      }
      case "list" -> {
        allowFlags(line, "--status");
        String query = "?recursion=1" + (line.has("--status")
            ? "&status=" + URLEncoder.encode(line.flag("--status"), StandardCharsets.UTF_8) : "");
        JsonNode instances = call("GET", "/1.0/instances" + query, null).path("metadata");
        out.printf("%-22s %-20s %-8s %-10s %-16s %-10s %s%n", "ID", "APP", "VERSION", "STATUS", "NODE", "STREAMING", "SESSION");
        for (JsonNode instance : instances) {
          out.printf("%-22s %-20s %-8s %-10s %-16s %-10s %s%n", instance.path("id").asText(),
              instance.path("app").path("name").asText(), instance.path("app").path("version").asText(),
              instance.path("status").asText(), orDash(instance.path("node")),
              instance.path("streaming").asBoolean() ? "yes" : "no", orDash(instance.path("session_id")));
        }
      }
      case "show" -> {
        allowFlags(line);
        printJson(call("GET", "/1.0/instances/" + line.required("an instance ID"), null).path("metadata"));
      }
      case "start", "stop", "delete" -> {
        allowFlags(line, "--wait");
        String id = line.required("an instance ID");
        String method = line.subcommand().equals("delete") ? "DELETE" : "POST";
        String path = "/1.0/instances/" + id + (method.equals("POST") ? "/" + line.subcommand() : "");
        finished(call(method, path, null), wait);
        String done = switch (line.subcommand()) {
          case "start" -> "started";
          case "stop" -> "stopped";
          default -> "deleted";
        };
        out.println(done + " instance " + id);
      }
      default -> throw new IllegalArgumentException(
          "instance takes launch, list, show, start, stop or delete, not '" + line.subcommand() + "'");
    }
  }

  private static Map<String, Object> screen(String value) {
    Matcher matcher = SCREEN.matcher(value);
    if (!matcher.matches()) throw new IllegalArgumentException("--screen is WxH or WxH@FPS (1280x720@30), not '" + value + "'");
    Map<String, Object> screen = new LinkedHashMap<>();
    screen.put("width", Integer.parseInt(matcher.group(1)));
    screen.put("height", Integer.parseInt(matcher.group(2)));
    if (matcher.group(3) != null) screen.put("fps", Integer.parseInt(matcher.group(3)));
    return screen;
  }

  /** Waits for the operation of an async answer to end; a failed one is a {@link Failure}. */
  private JsonNode finished(JsonNode asyncAnswer, Duration wait) {
    String operationUrl = asyncAnswer.path("operation").asText();
    JsonNode operation = asyncAnswer.path("metadata");
    long deadline = System.nanoTime() + wait.toNanos();
    while (operation.path("status").asText().equals("Running")) {
      long left = Duration.ofNanos(deadline - System.nanoTime()).toSeconds();
      if (left <= 0) {
        throw new Failure("instance " + instanceOf(operation) + " is still not done after " + wait.toSeconds()
            + " s (" + operation.path("description").asText() + "); see: streamstack instance show " + instanceOf(operation));
      }
      operation = call("GET", operationUrl + "/wait?timeout=" + Math.min(left, 30), null).path("metadata");
    }
    if (!operation.path("status").asText().equals("Success")) {
      throw new Failure("instance " + instanceOf(operation) + ": " + operation.path("description").asText().toLowerCase()
          + " failed: " + operation.path("err").asText());
    }
    return operation;
  }

  private static String instanceOf(JsonNode operation) {
    String url = operation.path("resources").path("instances").path(0).asText();
    return url.substring(url.lastIndexOf('/') + 1);
  }

  // --- helpers --------------------------------------------------------------------------------

  private JsonNode call(String method, String path, Object body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(90))
        .header("Authorization", "Bearer " + token);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.method(method, HttpRequest.BodyPublishers.ofByteArray(ApiJson.write(body)))
          .header("Content-Type", "application/json");
    }
    HttpResponse<String> response;
    try {
      response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new Failure("no AMS answers at " + baseUrl + " (is a cluster-node with the role ams running? --ams-url"
          + " or STREAMSTACK_AMS_URL says where)");
    } catch (IOException e) {
      throw new Failure("the request to " + baseUrl + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
    JsonNode answer;
    try {
      answer = ApiJson.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new Failure("the AMS answered HTTP " + response.statusCode() + " with something that is not JSON");
    }
    if (response.statusCode() >= 300 || answer == null || answer.path("type").asText().equals("error")) {
      String error = answer == null ? "" : answer.path("error").asText();
      throw new Failure(error.isEmpty() ? "the AMS answered HTTP " + response.statusCode() : error);
    }
    return answer;
  }

  private void printJson(JsonNode node) {
    try {
      out.println(ApiJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    } catch (IOException e) {
      throw new Failure("cannot print the answer: " + e.getMessage());
    }
  }

  private static int number(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number, not '" + value + "'");
    }
  }

  private static String join(JsonNode array) {
    List<String> items = new ArrayList<>();
    for (JsonNode item : array) items.add(item.asText());
    return String.join(",", items);
  }

  private static String orDash(JsonNode value) {
    return value.isNull() || value.isMissingNode() || value.asText().isEmpty() ? "-" : value.asText();
  }
}
