package org.streamstack.protocol.nats;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Reply to {@link StartInstance}: the instance AMS created and scheduled, or why not ({@code code}
 * as in {@link Ack}: 400 unknown application, 503 no capacity in the region). A started instance
 * may say which agent started it and the how-manyth start of that agent it was ({@code startSeq},
 * from 1): the agent's heartbeats tell when AMS's free slots count it ({@link AgentHeartbeat#startsReflected()}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StartedInstance(String instanceId, String error, Integer code, String agentId, Long startSeq) {

  public static StartedInstance started(String instanceId) {
    return new StartedInstance(instanceId, null, null, null, null);
  }

  public static StartedInstance started(String instanceId, String agentId, long startSeq) {
    return new StartedInstance(instanceId, null, null, agentId, startSeq);
  }

  public static StartedInstance failed(int code, String error) {
    return new StartedInstance(null, error, code, null, null);
  }

  public boolean ok() {
    return error == null;
  }
}
