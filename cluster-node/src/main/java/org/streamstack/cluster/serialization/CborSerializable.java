package org.streamstack.cluster.serialization;

/**
 * Marks messages, events and state that cross members or reach the journal; bound to Jackson
 * CBOR in cluster-node.conf.
 */
public interface CborSerializable {}
