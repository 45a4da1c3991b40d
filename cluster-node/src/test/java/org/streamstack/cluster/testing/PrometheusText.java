package org.streamstack.cluster.testing;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4), written from the format's
 * description: every line is a HELP or TYPE comment or a sample; every sample belongs to a family
 * whose TYPE came before it. Anything else fails the test that reads it.
 */
public final class PrometheusText {

  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
  private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)\\})? (\\S+)( -?\\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  /** Family name to type. */
  public final Map<String, String> types = new LinkedHashMap<>();
  /** Series (name and sorted labels, as {@link #series} writes it) to value. */
  public final Map<String, Double> samples = new LinkedHashMap<>();

  private PrometheusText() {}

  public static PrometheusText parse(String text) {
    PrometheusText parsed = new PrometheusText();
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      if (line.isEmpty()) continue;
      if (line.startsWith("#")) {
        Matcher type = TYPE.matcher(line);
        if (type.matches()) {
          if (parsed.types.put(type.group(1), type.group(2)) != null) fail(number, "second TYPE of " + type.group(1), line);
        } else if (!HELP.matcher(line).matches()) {
          fail(number, "a comment that is neither HELP nor TYPE", line);
        }
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches()) fail(number, "not a sample", line);
      String name = sample.group(1);
      if (parsed.familyOf(name) == null) fail(number, "a sample of a family without TYPE", line);
      Map<String, String> labels = new TreeMap<>();
      if (sample.group(3) != null && !sample.group(3).isEmpty()) {
        Matcher label = LABEL.matcher(sample.group(3));
        int end = 0;
        while (label.find() && label.start() == end) {
          labels.put(label.group(1), label.group(2));
          end = label.end();
        }
        if (end != sample.group(3).length()) fail(number, "malformed labels", line);
      }
      double value;
      try {
        value = switch (sample.group(4)) {
          case "+Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          case "NaN" -> Double.NaN;
          default -> Double.parseDouble(sample.group(4));
        };
      } catch (NumberFormatException e) {
        fail(number, "value is not a number", line);
        return parsed;
      }
      if (parsed.samples.put(series(name, labels), value) != null) fail(number, "the same series twice", line);
    }
    return parsed;
  }

  /** The family a sample name belongs to: itself, or a histogram's/summary's name before its suffix. */
  private String familyOf(String name) {
    if (types.containsKey(name)) return name;
    for (String suffix : new String[] {"_bucket", "_count", "_sum", "_created"}) {
      if (name.endsWith(suffix)) {
        String family = name.substring(0, name.length() - suffix.length());
        if (types.containsKey(family)) return family;
      }
    }
    return null;
  }

  private static void fail(int number, String problem, String line) {
    throw new AssertionError("metrics line " + number + ": " + problem + ": " + line);
  }

  /** The key of a series: {@code name{a="1",b="2"}} with labels sorted by name. */
  public static String series(String name, Map<String, String> labels) {
    StringBuilder key = new StringBuilder(name).append('{');
    new TreeMap<>(labels).forEach((label, value) -> key.append(label).append("=\"").append(value).append("\","));
    return key.append('}').toString();
  }

  /** The value of a series, 0 when absent (a counter not yet incremented). */
  public double value(String name, String... labelPairs) {
    Map<String, String> labels = new HashMap<>();
    for (int i = 0; i < labelPairs.length; i += 2) labels.put(labelPairs[i], labelPairs[i + 1]);
    return samples.getOrDefault(series(name, labels), 0.0);
  }
}
