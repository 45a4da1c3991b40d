/**
 * The bus between processes (ARCHITECTURE.md): NATS subjects, the records they carry, and the
 * connection every process opens. Version 1 of every subject has {@code v1} in its name; a change
 * that old readers cannot take gets a new subject, so old and new processes can share one bus.
 *
 * <pre>
 *  gateway  ⇄ agent     start-instance, stop-instance (requests); agent heartbeat; instance status,
 *                       client left (agent → gateway); create-session (agent → gateway, request)
 *  agent    ⇄ AMS       REST with the region's AMS token (agent → AMS); instance status, client left,
 *                       create-session (AMS → agent)
 *  AMS      ⇄ media     node heartbeat, instance events (node → AMS); launch, stop (AMS → node, requests)
 * </pre>
 */
package org.streamstack.protocol.nats;
