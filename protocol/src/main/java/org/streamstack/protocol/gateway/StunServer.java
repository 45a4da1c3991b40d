package org.streamstack.protocol.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One ICE server entry as a browser's RTCIceServer takes it (PROTOCOL.md 3). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StunServer(List<String> urls, String username, String password) {}
