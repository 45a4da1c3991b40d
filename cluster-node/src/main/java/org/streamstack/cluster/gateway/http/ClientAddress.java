package org.streamstack.cluster.gateway.http;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.streamstack.cluster.gateway.regions.Cidr;
import org.streamstack.cluster.gateway.regions.IpLiteral;

/**
 * The address of the client behind a request: the connection's peer, unless that peer is one of the
 * operator's trusted proxies, in which case X-Forwarded-For names the client. Each proxy appends the
 * address it received the request from, so the header is read from the right: the first address
 * that is not itself a trusted proxy is the client. Anything left of it was written by the client
 * (or forged by it) and is ignored. Nobody's header is trusted unless configured.
 */
public final class ClientAddress {

  private final List<Cidr> trustedProxies;
  private final AtomicLong malformedHeaders = new AtomicLong();

  public ClientAddress(List<Cidr> trustedProxies) {
    this.trustedProxies = List.copyOf(trustedProxies);
  }

  /** The client of {@code request}, or null when the connection's peer is not known. */
  public InetAddress of(HttpRequest request) {
    Optional<InetAddress> peer = request.getAttribute(AttributeKeys.remoteAddress).flatMap(RemoteAddress::getAddress);
    if (peer.isEmpty()) return null;
    if (trustedProxies.isEmpty()) return peer.get();
    List<String> forwardedFor = new ArrayList<>();
    for (HttpHeader header : request.getHeaders()) {
      if (header.is("x-forwarded-for")) forwardedFor.add(header.value());
    }
    return resolve(peer.get(), forwardedFor);
  }

  /**
   * The client, from the connection's {@code peer} and the X-Forwarded-For header values in the order
   * received. A malformed entry ends the walk: the hop that passed it on is the last one known.
   */
  public InetAddress resolve(InetAddress peer, List<String> forwardedFor) {
    InetAddress client = peer;
    List<String> hops = new ArrayList<>();
    for (String value : forwardedFor) {
      for (String hop : value.split(",")) hops.add(hop.trim());
    }
    for (int i = hops.size() - 1; i >= 0 && trusted(client); i--) {
      Optional<InetAddress> previous = IpLiteral.parseHop(hops.get(i));
      if (previous.isEmpty()) {
        malformedHeaders.incrementAndGet();
        break;
      }
      client = previous.get();
    }
    return client;
  }

  private boolean trusted(InetAddress address) {
    for (Cidr proxy : trustedProxies) {
      if (proxy.contains(address)) return true;
    }
    return false;
  }

  /** X-Forwarded-For headers from trusted proxies that held an entry that is no address. */
  public long malformedHeaders() {
    return malformedHeaders.get();
  }
}
