package org.streamstack.protocol.gateway;

import java.util.List;

/** Body of {@code DELETE /1.0/sessions}. */
public record BatchDeleteRequest(List<String> ids) {}
