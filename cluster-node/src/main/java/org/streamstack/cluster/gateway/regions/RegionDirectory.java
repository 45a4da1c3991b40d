package org.streamstack.cluster.gateway.regions;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.streamstack.cluster.gateway.GatewaySettings;
import org.streamstack.cluster.metrics.NodeMetrics;
import org.streamstack.protocol.nats.AgentHeartbeat;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.Subjects;

/**
 * The regions this gateway member knows, from every agent's heartbeats (one directory per gateway
 * member, each hearing all heartbeats: no queue group). A region whose agents have all been silent
 * for the agent timeout is unavailable; after the forget delay it is gone. Several agents of one
 * region see the same AMS, so their reports are merged, not added up.
 *
 * <p>It also picks the region of each new session ({@link Pick}), one at a time, and counts the
 * slot that session will take until the region's heartbeats can show it: a burst of sessions
 * larger than a region's room between two heartbeats spills over to other regions instead of
 * being sent where AMS would refuse it.
 */
public final class RegionDirectory extends AbstractBehavior<RegionDirectory.Command> {

  public sealed interface Command {}

  public record GetRegions(ActorRef<Regions> replyTo) implements Command {}

  /** Picks the region of new session {@code sessionId}; a chosen region counts the session's slot as taken. */
  public record Pick(String sessionId, String app, String requestedRegion, InetAddress client,
      ActorRef<RegionPick> replyTo) implements Command {}

  /**
   * The region's agent answered the start of {@code sessionId}'s instance: {@code started} or not,
   * and which start of which agent it was (null from agents that do not say).
   */
  public record Settled(String sessionId, boolean started, String agentId, Long startSeq) implements Command {}

  /**
   * The creation of {@code sessionId} failed before its region's agent answered (or without asking
   * it): the slot its pick took is free again. A start the agent answered keeps its claim.
   */
  public record Abandoned(String sessionId) implements Command {}

  /** The regions known now, by name. */
  public record Regions(List<Region> regions) {

    /** Every application some known region offers, in alphabetical order. */
    public List<String> applications() {
      TreeSet<String> names = new TreeSet<>();
      for (Region region : regions) names.addAll(region.applications());
      return List.copyOf(names);
    }
  }

  private record HeartbeatReceived(String subject, byte[] payload) implements Command {}

  private record Sweep() implements Command {}

  private record Heard(AgentHeartbeat beat, Instant at) {}

  /**
   * A slot counted as taken in {@code region} since {@code at}; {@code settledAt} once the agent
   * answered, with the agent's id and start number when it gave them.
   */
  private record Claim(String region, Instant at, Instant settledAt, String agentId, Long startSeq) {}

  public static Behavior<Command> create(Connection nats, GatewaySettings.Agents settings, Clock clock,
      RegionSelector selector) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      Duration sweep = settings.agentTimeout().dividedBy(4);
      if (sweep.compareTo(Duration.ofMillis(100)) < 0) sweep = Duration.ofMillis(100);
      timers.startTimerWithFixedDelay(new Sweep(), sweep);
      return new RegionDirectory(context, nats, settings, clock, selector);
    }));
  }

  private final Connection nats;
  private final Dispatcher dispatcher;
  private final GatewaySettings.Agents settings;
  private final Clock clock;
  /** Region name → agent id → its last heartbeat. */
  private final Map<String, Map<String, Heard>> heard = new TreeMap<>();
  /** What was last logged of each region: available, unavailable or silent. */
  private final Map<String, String> lastLogged = new HashMap<>();
  private long malformed;
  private final NodeMetrics metrics;
  private final RegionSelector selector;
  /** Session id → the slot its pick took. */
  private final Map<String, Claim> claims = new HashMap<>();
  /** Agent id → the last start number its heartbeats said AMS counts. */
  private final Map<String, Long> reflectedByAgent = new HashMap<>();

  private RegionDirectory(ActorContext<Command> context, Connection nats, GatewaySettings.Agents settings,
      Clock clock, RegionSelector selector) {
    super(context);
    this.selector = selector;
    context.setLoggerName(RegionDirectory.class);
    this.nats = nats;
    this.settings = settings;
    this.clock = clock;
    this.metrics = NodeMetrics.get(context.getSystem());
    ActorRef<Command> self = context.getSelf();
    this.dispatcher = nats.createDispatcher();
    dispatcher.subscribe(Subjects.ALL_AGENT_HEARTBEATS,
        message -> self.tell(new HeartbeatReceived(message.getSubject(), message.getData())));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(GetRegions.class, this::onGetRegions)
        .onMessage(Pick.class, this::onPick)
        .onMessage(Settled.class, this::onSettled)
        .onMessage(Abandoned.class, this::onAbandoned)
        .onMessage(HeartbeatReceived.class, this::onHeartbeat)
        .onMessage(Sweep.class, this::onSweep)
        .onSignal(PostStop.class, this::onPostStop)
        .build();
  }

  private Behavior<Command> onGetRegions(GetRegions command) {
    command.replyTo().tell(new Regions(current(clock.instant())));
    return this;
  }

  private List<Region> current(Instant now) {
    expireClaims(now);
    List<Region> regions = new ArrayList<>(heard.size());
    for (Map.Entry<String, Map<String, Heard>> entry : heard.entrySet()) {
      regions.add(merge(entry.getKey(), entry.getValue().values(), now));
    }
    return List.copyOf(regions);
  }

  private Behavior<Command> onPick(Pick pick) {
    Instant now = clock.instant();
    RegionPick result = RegionPick.of(pick.app(), pick.requestedRegion(), pick.client(), current(now), selector);
    if (result instanceof RegionPick.Chosen chosen) {
      claims.put(pick.sessionId(), new Claim(chosen.region().name(), now, null, null, null));
    }
    pick.replyTo().tell(result);
    return this;
  }

  private Behavior<Command> onSettled(Settled settled) {
    Claim claim = claims.get(settled.sessionId());
    if (claim == null) return this;
    Long reflected = settled.agentId() == null ? null : reflectedByAgent.get(settled.agentId());
    if (settled.started() && settled.startSeq() != null && reflected != null && settled.startSeq() <= reflected) {
      // The agent's heartbeat that counts this start came before its answer reached us.
      claims.remove(settled.sessionId());
    } else if (settled.started()) {
      claims.put(settled.sessionId(), new Claim(claim.region(), claim.at(), clock.instant(), settled.agentId(),
          settled.startSeq()));
    } else {
      claims.remove(settled.sessionId());
    }
    return this;
  }

  private Behavior<Command> onAbandoned(Abandoned abandoned) {
    Claim claim = claims.get(abandoned.sessionId());
    if (claim != null && claim.settledAt() == null) claims.remove(abandoned.sessionId());
    return this;
  }

  /**
   * A started instance's slot shows in AMS's free slots once AMS has placed it, which it has when
   * the agent answers; the agent's heartbeats say which of its starts preceded their question to
   * AMS ({@link AgentHeartbeat#startsReflected()}), and those claims end there. Claims an agent
   * never reflects (it restarted and counts anew, or does not say) end after the agent timeout
   * (counted twice meanwhile: a region looks full a little early, never late); a start that never
   * settles after the longest an agent may take.
   */
  private void expireClaims(Instant now) {
    claims.values().removeIf(claim -> claim.settledAt() == null
        ? claim.at().plus(settings.requestTimeout().multipliedBy(2)).isBefore(now)
        : claim.settledAt().plus(settings.agentTimeout()).isBefore(now));
  }

  /** Ends the claims whose starts {@code beat} says AMS counted. */
  private void reflected(AgentHeartbeat beat) {
    if (beat.startsReflected() == null) return;
    reflectedByAgent.put(beat.agentId(), beat.startsReflected());
    claims.values().removeIf(claim -> claim.startSeq() != null && beat.agentId().equals(claim.agentId())
        && claim.region().equals(beat.region()) && claim.startSeq() <= beat.startsReflected());
  }

  private int claimed(String region) {
    int count = 0;
    for (Claim claim : claims.values()) {
      if (claim.region().equals(region)) count++;
    }
    return count;
  }

  private Behavior<Command> onHeartbeat(HeartbeatReceived received) {
    AgentHeartbeat beat;
    try {
      beat = NatsJson.read(received.payload(), AgentHeartbeat.class);
      String problem = problemOf(beat, received.subject());
      if (problem != null) throw new NatsJson.MalformedMessageException(problem);
    } catch (NatsJson.MalformedMessageException e) {
      malformed++;
      getContext().getLog().warn("Dropped a malformed agent heartbeat on {} ({} so far): {}",
          received.subject(), malformed, e.getMessage());
      return this;
    }
    Map<String, Heard> agents = heard.computeIfAbsent(beat.region(), name -> new HashMap<>());
    if (agents.isEmpty()) {
      getContext().getLog().info("Region {} is known now: its agent {} reports applications {}",
          beat.region(), beat.agentId(), beat.applications());
    } else if (!agents.containsKey(beat.agentId())) {
      getContext().getLog().info("Region {} has another agent: {}", beat.region(), beat.agentId());
    }
    agents.put(beat.agentId(), new Heard(beat, clock.instant()));
    reflected(beat);
    logIfChanged(merge(beat.region(), agents.values(), clock.instant()));
    countAgents(clock.instant());
    return this;
  }

  private static String problemOf(AgentHeartbeat beat, String subject) {
    if (beat.region() == null || beat.agentId() == null || beat.agentId().isBlank()) {
      return "region and agentId are required";
    }
    String expected;
    try {
      expected = Subjects.agentHeartbeat(beat.region());
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    if (!expected.equals(subject)) return "region " + beat.region() + " reported on another region's subject";
    if (beat.applications() != null && beat.applications().contains(null)) return "applications hold a null";
    return null;
  }

  private Behavior<Command> onSweep(Sweep sweep) {
    Instant now = clock.instant();
    expireClaims(now);
    Instant forgetBefore = now.minus(settings.regionForgetAfter());
    var regions = heard.entrySet().iterator();
    while (regions.hasNext()) {
      Map.Entry<String, Map<String, Heard>> region = regions.next();
      region.getValue().entrySet().removeIf(agent -> {
        boolean forgotten = agent.getValue().at().isBefore(forgetBefore);
        if (forgotten) reflectedByAgent.remove(agent.getKey());
        return forgotten;
      });
      if (region.getValue().isEmpty()) {
        getContext().getLog().warn("Region {} is forgotten: no agent of it was heard for {} s",
            region.getKey(), settings.regionForgetAfter().toSeconds());
        lastLogged.remove(region.getKey());
        regions.remove();
      } else {
        logIfChanged(merge(region.getKey(), region.getValue().values(), now));
      }
    }
    countAgents(now);
    return this;
  }

  /** The agents metric: heard within the agent timeout (active) or silent but not yet forgotten. */
  private void countAgents(Instant now) {
    Instant silentBefore = now.minus(settings.agentTimeout());
    int active = 0;
    int unresponsive = 0;
    for (Map<String, Heard> agents : heard.values()) {
      for (Heard agent : agents.values()) {
        if (agent.at().isBefore(silentBefore)) unresponsive++;
        else active++;
      }
    }
    metrics.agents(active, unresponsive);
  }

  /** One view of a region from the reports of its agents. */
  private Region merge(String name, Iterable<Heard> agents, Instant now) {
    Instant silentBefore = now.minus(settings.agentTimeout());
    boolean anyHeard = false;
    boolean available = false;
    int freeSlots = Integer.MAX_VALUE;
    TreeSet<String> applications = new TreeSet<>();
    TreeSet<String> lastKnownApplications = new TreeSet<>();
    for (Heard agent : agents) {
      List<String> apps = agent.beat().applications() == null ? List.of() : agent.beat().applications();
      lastKnownApplications.addAll(apps);
      if (agent.at().isBefore(silentBefore)) continue;
      anyHeard = true;
      applications.addAll(apps);
      if (agent.beat().available()) {
        available = true;
        // Every agent asks the same AMS; their claims end with their own reports, so the lowest
        // report is the one that may already count them (early full rather than late).
        freeSlots = Math.min(freeSlots, Math.max(0, agent.beat().freeSlots()));
      }
    }
    if (!anyHeard) return new Region(name, false, 0, List.copyOf(lastKnownApplications), true);
    if (!available) freeSlots = 0;
    return new Region(name, available, Math.max(0, freeSlots - claimed(name)), List.copyOf(applications), false);
  }

  private void logIfChanged(Region region) {
    String state = region.silent() ? "silent" : region.available() ? "available" : "unavailable";
    String before = lastLogged.put(region.name(), state);
    if (state.equals(before)) return;
    switch (state) {
      case "silent" -> getContext().getLog().warn(
          "Region {} is unavailable: none of its agents was heard for {} s", region.name(),
          settings.agentTimeout().toSeconds());
      case "available" -> getContext().getLog().info("Region {} takes sessions ({} free slots)", region.name(),
          region.freeSlots());
      default -> getContext().getLog().warn("Region {} is unavailable: its agents report that it takes no instances",
          region.name());
    }
  }

  private Behavior<Command> onPostStop(PostStop stop) {
    if (nats.getStatus() != Connection.Status.CLOSED) nats.closeDispatcher(dispatcher);
    return this;
  }
}
