package org.streamstack.protocol.gateway;

/** One entry of {@code GET /1.0/applications?recursion=true}. */
public record ApplicationView(String name) {}
