package org.streamstack.protocol.gateway;

/** One entry of {@code GET /1.0/regions?recursion=true}. */
public record RegionView(String name, boolean available) {}
