package org.streamstack.cluster.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Loads every manifest under deploy/k8s into the Kubernetes model (fabric8) and checks that the
 * manifests agree with each other and with the code: labels and selectors, ports, Secret and
 * ConfigMap names and keys, the kustomization's file list, and that every environment variable set
 * on a streamstack container is one the code reads (collected from the sources at test time).
 */
class KubernetesManifestsTest {

  /** Our containers: built from deploy/docker/NAME.Dockerfile. */
  private static final String OUR_IMAGES = "streamstack/";

  private static Path root;
  private static Path manifestDir;
  private static final Map<String, List<HasMetadata>> byFile = new LinkedHashMap<>();
  private static final List<HasMetadata> resources = new ArrayList<>();
  private static Map<String, Object> kustomization;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void load() throws IOException {
    root = Path.of("").toAbsolutePath();
    while (root != null && !Files.isDirectory(root.resolve("deploy/k8s"))) root = root.getParent();
    assertTrue(root != null, "deploy/k8s not found above " + Path.of("").toAbsolutePath());
    manifestDir = root.resolve("deploy/k8s");
    KubernetesSerialization serialization = new KubernetesSerialization();
    ObjectMapper yaml = new YAMLMapper();
    try (Stream<Path> files = Files.list(manifestDir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.equals("kustomization.yaml")) {
          kustomization = yaml.readValue(file.toFile(), Map.class);
          continue;
        }
        List<HasMetadata> inFile = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
          for (JsonNode document : yaml.readValues(parser, JsonNode.class).readAll()) {
            if (document == null || document.isEmpty()) continue;
            inFile.add(serialization.unmarshal(document.toString(), HasMetadata.class));
          }
        }
        byFile.put(name, inFile);
        resources.addAll(inFile);
      }
    }
    assertTrue(kustomization != null, "deploy/k8s/kustomization.yaml is missing");
  }

  @Test
  void everyManifestParsesIntoItsModelClassWithNoUnknownField() {
    List<String> problems = new ArrayList<>();
    byFile.forEach((file, inFile) -> {
      if (inFile.isEmpty()) problems.add(file + ": no resource");
      for (HasMetadata resource : inFile) {
        String where = file + ": " + resource.getKind() + " " + resource.getMetadata().getName();
        if (resource instanceof GenericKubernetesResource) {
          problems.add(where + ": " + resource.getApiVersion() + "/" + resource.getKind() + " is no known Kubernetes kind");
          continue;
        }
        if (!resource.getClass().getSimpleName().equals(resource.getKind())) {
          problems.add(where + ": parsed as " + resource.getClass().getName());
        }
        if (resource.getMetadata().getName() == null) problems.add(where + ": no metadata.name");
        unknownFields(resource, resource.getKind(), problems, new IdentityHashMap<>());
      }
    });
    assertEquals(List.of(), problems);
    for (Class<?> expected : List.of(Namespace.class, Secret.class, ConfigMap.class, ServiceAccount.class, Role.class,
        RoleBinding.class, Deployment.class, StatefulSet.class, DaemonSet.class, Service.class,
        PodDisruptionBudget.class, HorizontalPodAutoscaler.class)) {
      assertFalse(all(expected).isEmpty(), "no " + expected.getSimpleName() + " among the manifests");
    }
  }

  @Test
  void theKustomizationListsEveryManifestAndSetsTheNamespace() throws IOException {
    @SuppressWarnings("unchecked")
    List<String> listed = (List<String>) kustomization.get("resources");
    assertEquals(new TreeSet<>(byFile.keySet()), new TreeSet<>(listed), "kustomization.yaml resources vs files in deploy/k8s");
    assertEquals(listed.size(), Set.copyOf(listed).size(), "a file listed twice: " + listed);
    List<Namespace> namespaces = all(Namespace.class);
    assertEquals(1, namespaces.size());
    assertEquals(namespaces.get(0).getMetadata().getName(), kustomization.get("namespace"));
    for (HasMetadata resource : resources) {
      String namespace = resource.getMetadata().getNamespace();
      assertTrue(namespace == null || namespace.equals(kustomization.get("namespace")),
          resource.getKind() + " " + resource.getMetadata().getName() + " is in namespace " + namespace);
    }
    // Every image the kustomization retags is one of ours that a Dockerfile builds.
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> images = (List<Map<String, Object>>) kustomization.getOrDefault("images", List.of());
    for (Map<String, Object> image : images) {
      String name = (String) image.get("name");
      assertTrue(containers().stream().anyMatch(c -> c.container().getImage().startsWith(name + ":")),
          "kustomization retags " + name + ", which no container uses");
    }
  }

  @Test
  void workloadSelectorsMatchTheirPodLabels() {
    for (Workload workload : workloads()) {
      Map<String, String> selector = workload.selector();
      assertFalse(selector.isEmpty(), workload + " has no selector");
      assertTrue(labelsMatch(selector, workload.template().getMetadata().getLabels()),
          workload + ": selector " + selector + " does not match its pod labels " + workload.template().getMetadata().getLabels());
    }
    for (PodDisruptionBudget budget : all(PodDisruptionBudget.class)) {
      Map<String, String> selector = budget.getSpec().getSelector().getMatchLabels();
      assertFalse(selected(selector).isEmpty(), "PodDisruptionBudget " + budget.getMetadata().getName() + " selects no pods");
    }
    for (HorizontalPodAutoscaler autoscaler : all(HorizontalPodAutoscaler.class)) {
      var target = autoscaler.getSpec().getScaleTargetRef();
      assertTrue(workloads().stream().anyMatch(w -> w.kind().equals(target.getKind()) && w.name().equals(target.getName())),
          "HorizontalPodAutoscaler scales " + target.getKind() + " " + target.getName() + ", which does not exist");
      for (Workload workload : workloads()) {
        if (!workload.name().equals(target.getName())) continue;
        for (Container container : workload.template().getSpec().getContainers()) {
          assertTrue(container.getResources() != null && container.getResources().getRequests().containsKey("cpu"),
              "the autoscaler measures CPU against the requests: " + workload + " requests none");
        }
      }
    }
    for (StatefulSet set : all(StatefulSet.class)) {
      assertTrue(named(Service.class, set.getSpec().getServiceName()),
          "StatefulSet " + set.getMetadata().getName() + " names Service " + set.getSpec().getServiceName() + ", which does not exist");
    }
  }

  @Test
  void servicesSelectPodsAndTheirTargetPortsExist() {
    for (Service service : all(Service.class)) {
      String name = "Service " + service.getMetadata().getName();
      Map<String, String> selector = service.getSpec().getSelector();
      assertTrue(selector != null && !selector.isEmpty(), name + " has no selector");
      List<Workload> selected = selected(selector);
      assertFalse(selected.isEmpty(), name + ": selector " + selector + " matches no pod template");
      for (ServicePort port : service.getSpec().getPorts()) {
        IntOrString target = port.getTargetPort() == null ? new IntOrString(port.getPort()) : port.getTargetPort();
        for (Workload workload : selected) {
          assertTrue(workload.template().getSpec().getContainers().stream().anyMatch(c -> hasPort(c, target)),
              name + " port " + port.getName() + " targets " + describe(target) + ", which " + workload + " does not declare");
        }
      }
    }
  }

  @Test
  void probesUseDeclaredPorts() {
    for (ContainerIn in : containers()) {
      for (Probe probe : Stream.of(in.container().getReadinessProbe(), in.container().getLivenessProbe(),
          in.container().getStartupProbe()).filter(Objects::nonNull).toList()) {
        IntOrString port = probe.getHttpGet() != null ? probe.getHttpGet().getPort()
            : probe.getTcpSocket() != null ? probe.getTcpSocket().getPort() : null;
        if (port == null) continue;
        assertTrue(hasPort(in.container(), port), in + ": a probe uses port " + describe(port) + ", which it does not declare");
      }
    }
    // The cluster-node's probes are Pekko Management's health checks, on its management port.
    ContainerIn clusterNode = ours("cluster-node");
    assertTrue(clusterNode.container().getReadinessProbe() != null && clusterNode.container().getLivenessProbe() != null,
        clusterNode + " needs a readiness and a liveness probe");
    assertEquals("/ready", clusterNode.container().getReadinessProbe().getHttpGet().getPath());
    assertEquals("/alive", clusterNode.container().getLivenessProbe().getHttpGet().getPath());
    assertEquals("management", clusterNode.container().getReadinessProbe().getHttpGet().getPort().getStrVal());
  }

  @Test
  void everySecretAndConfigMapReferencedExistsWithItsKeys() {
    List<String> problems = new ArrayList<>();
    for (ContainerIn in : containers()) {
      for (EnvVar env : nullSafe(in.container().getEnv())) {
        if (env.getValueFrom() == null) continue;
        var secret = env.getValueFrom().getSecretKeyRef();
        if (secret != null) checkKey(problems, in + " env " + env.getName(), Secret.class, secret.getName(), secret.getKey());
        var config = env.getValueFrom().getConfigMapKeyRef();
        if (config != null) checkKey(problems, in + " env " + env.getName(), ConfigMap.class, config.getName(), config.getKey());
      }
      for (EnvFromSource from : nullSafe(in.container().getEnvFrom())) {
        if (from.getConfigMapRef() != null) checkKey(problems, in + " envFrom", ConfigMap.class, from.getConfigMapRef().getName(), null);
        if (from.getSecretRef() != null) checkKey(problems, in + " envFrom", Secret.class, from.getSecretRef().getName(), null);
      }
    }
    for (Workload workload : workloads()) {
      var spec = workload.template().getSpec();
      for (Volume volume : nullSafe(spec.getVolumes())) {
        if (volume.getConfigMap() != null) {
          checkKey(problems, workload + " volume " + volume.getName(), ConfigMap.class, volume.getConfigMap().getName(), null);
          for (KeyToPath item : nullSafe(volume.getConfigMap().getItems())) {
            checkKey(problems, workload + " volume " + volume.getName(), ConfigMap.class, volume.getConfigMap().getName(), item.getKey());
          }
        }
        if (volume.getSecret() != null) {
          checkKey(problems, workload + " volume " + volume.getName(), Secret.class, volume.getSecret().getSecretName(), null);
        }
      }
      Set<String> volumes = nullSafe(spec.getVolumes()).stream().map(Volume::getName).collect(Collectors.toSet());
      if (workload.resource() instanceof StatefulSet set) {
        nullSafe(set.getSpec().getVolumeClaimTemplates()).forEach(claim -> volumes.add(claim.getMetadata().getName()));
      }
      for (Container container : spec.getContainers()) {
        nullSafe(container.getVolumeMounts()).stream().filter(mount -> !volumes.contains(mount.getName()))
            .forEach(mount -> problems.add(workload + " mounts volume " + mount.getName() + ", which it does not declare"));
      }
      String account = spec.getServiceAccountName();
      if (account != null && !named(ServiceAccount.class, account)) problems.add(workload + " runs as missing ServiceAccount " + account);
    }
    for (RoleBinding binding : all(RoleBinding.class)) {
      if (!named(Role.class, binding.getRoleRef().getName())) problems.add("RoleBinding binds missing Role " + binding.getRoleRef().getName());
      binding.getSubjects().stream().filter(s -> s.getKind().equals("ServiceAccount") && !named(ServiceAccount.class, s.getName()))
          .forEach(s -> problems.add("RoleBinding binds missing ServiceAccount " + s.getName()));
    }
    assertEquals(List.of(), problems);
    // Cluster bootstrap lists pods: the cluster-node's account may.
    String account = workload("cluster-node").template().getSpec().getServiceAccountName();
    assertTrue(all(RoleBinding.class).stream().anyMatch(binding -> binding.getSubjects().stream().anyMatch(s -> s.getName().equals(account))
        && all(Role.class).stream().anyMatch(role -> role.getMetadata().getName().equals(binding.getRoleRef().getName())
            && role.getRules().stream().anyMatch(rule -> rule.getResources().contains("pods") && rule.getVerbs().contains("list")))),
        "the cluster-node's service account " + account + " may not list pods");
  }

  @Test
  void everyEnvironmentVariableOnOurContainersIsOneTheCodeReads() throws IOException {
    Set<String> read = variablesTheCodeReads();
    // The collection itself works: variables the README documents are found in the sources.
    assertTrue(read.containsAll(List.of("STREAMSTACK_NATS_URL", "STREAMSTACK_ROLES", "STREAMSTACK_MANAGEMENT_PORT",
        "STREAMSTACK_MEDIA_UDP_PORT", "JAVA_OPTS")), "collected: " + read);
    List<String> problems = new ArrayList<>();
    for (ContainerIn in : containers()) {
      if (!in.container().getImage().startsWith(OUR_IMAGES)) continue;
      for (String name : environment(in.container()).keySet()) {
        if (!read.contains(name)) problems.add(in + " sets " + name + ", which no code reads");
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void portsAndAddressesInTheSettingsAgreeWithContainersAndServices() {
    List<String> problems = new ArrayList<>();
    Pattern address = Pattern.compile("^[a-z][a-z0-9+.-]*://([^/:]+):(\\d+)");
    for (ContainerIn in : containers()) {
      if (!in.container().getImage().startsWith(OUR_IMAGES)) continue;
      environment(in.container()).forEach((name, value) -> {
        if (value == null) return;
        if (name.endsWith("_PORT") && value.matches("\\d+") && !hasPort(in.container(), new IntOrString(Integer.parseInt(value)))) {
          problems.add(in + ": " + name + "=" + value + " but the container declares no such port");
        }
        Matcher matcher = address.matcher(value.replaceFirst("^jdbc:", ""));
        if (matcher.find()) {
          String host = matcher.group(1).split("\\.")[0];
          int port = Integer.parseInt(matcher.group(2));
          boolean served = all(Service.class).stream().anyMatch(service -> service.getMetadata().getName().equals(host)
              && service.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == port));
          if (!served) problems.add(in + ": " + name + "=" + value + " but no Service " + host + " has port " + port);
        }
      });
    }
    assertEquals(List.of(), problems);
    // The media nodes serve the region of the cluster-nodes' agent and AMS.
    Set<String> regions = containers().stream().filter(in -> in.container().getImage().startsWith(OUR_IMAGES))
        .map(in -> environment(in.container()).get("STREAMSTACK_REGION")).filter(Objects::nonNull).collect(Collectors.toSet());
    assertEquals(1, regions.size(), "regions set on the streamstack containers: " + regions);
    // WebRTC: the media node's one UDP port is the host's.
    ContainerIn media = ours("media-node");
    assertTrue(media.workload().template().getSpec().getHostNetwork(), "media nodes use the host network");
    assertTrue(media.container().getResources().getLimits().containsKey("nvidia.com/gpu"), "media nodes take a GPU");
    assertTrue(media.container().getPorts().stream().anyMatch(p -> "UDP".equals(p.getProtocol())), "media nodes declare their UDP port");
  }

  @Test
  void ourImagesAreBuiltByTheDockerfilesAndExposeTheirPorts() throws IOException {
    for (ContainerIn in : containers()) {
      String image = in.container().getImage();
      if (!image.startsWith(OUR_IMAGES)) continue;
      String name = image.substring(OUR_IMAGES.length()).replaceFirst(":.*", "");
      Path dockerfile = root.resolve("deploy/docker/" + name + ".Dockerfile");
      assertTrue(Files.isRegularFile(dockerfile), in + " runs " + image + " but " + root.relativize(dockerfile) + " is missing");
      String text = Files.readString(dockerfile);
      assertTrue(text.contains("USER 10001"), dockerfile + " runs as a non-root user");
      for (ContainerPort port : in.container().getPorts()) {
        String exposed = port.getContainerPort() + ("UDP".equals(port.getProtocol()) ? "/udp" : "");
        assertTrue(Pattern.compile("(?m)^EXPOSE .*\\b" + Pattern.quote(exposed) + "\\b").matcher(text).find(),
            dockerfile.getFileName() + " does not EXPOSE " + exposed);
      }
      Matcher main = Pattern.compile("STREAMSTACK_MAIN_CLASS=(\\S+)").matcher(text);
      assertTrue(main.find(), dockerfile + " sets no main class");
      String source = main.group(1).replace('.', '/') + ".java";
      assertTrue(Stream.of("cluster-node", "media-node").anyMatch(module -> Files.isRegularFile(root.resolve(module + "/src/main/java/" + source))),
          dockerfile.getFileName() + " runs " + main.group(1) + ", which is not in the sources");
    }
  }

  // ---- what the code reads

  /**
   * Environment variables read by: the configuration files ({@code ${?VAR}}), logback
   * ({@code ${VAR:-default}}), the Java sources ({@code getenv("VAR")}), and the images' entry point.
   */
  private static Set<String> variablesTheCodeReads() throws IOException {
    Set<String> names = new TreeSet<>();
    Pattern optionalSubstitution = Pattern.compile("\\$\\{\\?([A-Za-z_][A-Za-z0-9_]*)}");
    Pattern logbackVariable = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*):-");
    Pattern getenv = Pattern.compile("getenv\\(\\)\\.getOrDefault\\(\"([A-Z_][A-Z0-9_]*)\"|getenv\\(\"([A-Z_][A-Z0-9_]*)\"\\)");
    Pattern shellVariable = Pattern.compile("\\$\\{?([A-Z_][A-Z0-9_]*)");
    for (String module : List.of("cluster-node", "media-node", "protocol")) {
      Path resources = root.resolve(module + "/src/main/resources");
      for (Path file : files(resources, ".conf")) collect(optionalSubstitution, Files.readString(file), names);
      for (Path file : files(resources, ".xml")) collect(logbackVariable, Files.readString(file), names);
      for (Path file : files(root.resolve(module + "/src/main/java"), ".java")) collect(getenv, Files.readString(file), names);
    }
    collect(shellVariable, Files.readString(root.resolve("deploy/docker/run.sh")), names);
    return names;
  }

  private static void collect(Pattern pattern, String text, Set<String> into) {
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      for (int group = 1; group <= matcher.groupCount(); group++) {
        if (matcher.group(group) != null) into.add(matcher.group(group));
      }
    }
  }

  private static List<Path> files(Path dir, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(f -> f.toString().endsWith(suffix)).toList();
    }
  }

  // ---- the model

  private record Workload(HasMetadata resource, Map<String, String> selector, PodTemplateSpec template) {
    String kind() { return resource.getKind(); }
    String name() { return resource.getMetadata().getName(); }
    @Override public String toString() { return kind() + " " + name(); }
  }

  private record ContainerIn(Workload workload, Container container) {
    @Override public String toString() { return workload + " container " + container.getName(); }
  }

  private static List<Workload> workloads() {
    List<Workload> workloads = new ArrayList<>();
    all(Deployment.class).forEach(d -> workloads.add(new Workload(d, d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate())));
    all(StatefulSet.class).forEach(s -> workloads.add(new Workload(s, s.getSpec().getSelector().getMatchLabels(), s.getSpec().getTemplate())));
    all(DaemonSet.class).forEach(d -> workloads.add(new Workload(d, d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate())));
    return workloads;
  }

  private static Workload workload(String name) {
    return workloads().stream().filter(w -> w.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no workload " + name));
  }

  private static List<ContainerIn> containers() {
    List<ContainerIn> containers = new ArrayList<>();
    for (Workload workload : workloads()) {
      for (Container container : workload.template().getSpec().getContainers()) containers.add(new ContainerIn(workload, container));
      for (Container container : nullSafe(workload.template().getSpec().getInitContainers())) containers.add(new ContainerIn(workload, container));
    }
    return containers;
  }

  private static ContainerIn ours(String image) {
    return containers().stream().filter(c -> c.container().getImage().startsWith(OUR_IMAGES + image + ":")).findFirst()
        .orElseThrow(() -> new AssertionError("no container runs " + OUR_IMAGES + image));
  }

  private static List<Workload> selected(Map<String, String> selector) {
    return workloads().stream().filter(w -> labelsMatch(selector, w.template().getMetadata().getLabels())).toList();
  }

  private static boolean labelsMatch(Map<String, String> selector, Map<String, String> labels) {
    return selector != null && !selector.isEmpty() && labels != null && labels.entrySet().containsAll(selector.entrySet());
  }

  private static boolean hasPort(Container container, IntOrString port) {
    return nullSafe(container.getPorts()).stream().anyMatch(p -> port.getIntVal() != null
        ? port.getIntVal().equals(p.getContainerPort()) : port.getStrVal().equals(p.getName()));
  }

  private static String describe(IntOrString port) {
    return port.getIntVal() != null ? String.valueOf(port.getIntVal()) : "'" + port.getStrVal() + "'";
  }

  /** The variables a container gets: its env, and every key of the ConfigMaps and Secrets of its envFrom. */
  private static Map<String, String> environment(Container container) {
    Map<String, String> environment = new LinkedHashMap<>();
    for (EnvFromSource from : nullSafe(container.getEnvFrom())) {
      if (from.getConfigMapRef() != null) {
        all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(from.getConfigMapRef().getName()))
            .forEach(c -> environment.putAll(c.getData()));
      }
      if (from.getSecretRef() != null) {
        all(Secret.class).stream().filter(s -> s.getMetadata().getName().equals(from.getSecretRef().getName()))
            .forEach(s -> secretKeys(s).forEach(key -> environment.put(key, null)));
      }
    }
    for (EnvVar env : nullSafe(container.getEnv())) environment.put(env.getName(), env.getValue());
    return environment;
  }

  private static Set<String> secretKeys(Secret secret) {
    Set<String> keys = new TreeSet<>();
    if (secret.getData() != null) keys.addAll(secret.getData().keySet());
    if (secret.getStringData() != null) keys.addAll(secret.getStringData().keySet());
    return keys;
  }

  private static void checkKey(List<String> problems, String where, Class<? extends HasMetadata> kind, String name, String key) {
    List<? extends HasMetadata> found = all(kind).stream().filter(r -> r.getMetadata().getName().equals(name)).toList();
    if (found.isEmpty()) {
      problems.add(where + " refers to " + kind.getSimpleName() + " " + name + ", which is in no manifest of the kustomization");
      return;
    }
    if (key == null) return;
    Set<String> keys = found.get(0) instanceof Secret secret ? secretKeys(secret)
        : nullSafe(((ConfigMap) found.get(0)).getData()).keySet();
    if (!keys.contains(key)) problems.add(where + " refers to key " + key + " of " + kind.getSimpleName() + " " + name + ", which has " + keys);
  }

  private static <T> List<T> all(Class<T> kind) {
    return resources.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  private static boolean named(Class<? extends HasMetadata> kind, String name) {
    return all(kind).stream().anyMatch(r -> r.getMetadata().getName().equals(name));
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static <K, V> Map<K, V> nullSafe(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }

  /**
   * The model keeps fields it does not know in additionalProperties instead of failing: a
   * misspelt field would pass unnoticed. This walks the parsed object and reports every one.
   */
  private static void unknownFields(Object object, String path, List<String> problems, Map<Object, Boolean> seen) {
    if (object == null || seen.put(object, Boolean.TRUE) != null) return;
    if (object instanceof Collection<?> collection) {
      int i = 0;
      for (Object item : collection) unknownFields(item, path + "[" + i++ + "]", problems, seen);
      return;
    }
    if (object instanceof Map<?, ?> map) {
      map.forEach((key, value) -> unknownFields(value, path + "." + key, problems, seen));
      return;
    }
    if (!object.getClass().getName().startsWith("io.fabric8.")) return;
    for (Method getter : object.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) continue;
      Object value;
      try {
        value = getter.invoke(object);
      } catch (ReflectiveOperationException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) problems.add(path + ": unknown field(s) " + extra.keySet());
        continue;
      }
      unknownFields(value, path + "." + decapitalize(getter.getName().substring(3)), problems, seen);
    }
  }

  private static String decapitalize(String name) {
    return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
