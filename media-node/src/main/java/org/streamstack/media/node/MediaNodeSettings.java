package org.streamstack.media.node;

import com.typesafe.config.Config;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.streamstack.media.encoder.EncoderSettings;
import org.streamstack.media.ice.IceSettings;
import org.streamstack.media.ice.IceUdpPortSettings;
import org.streamstack.media.peer.TurnRelays;

/** The {@code streamstack.media} section of the configuration, read once at startup. */
public record MediaNodeSettings(
    IceUdpPortSettings udpPort,
    IceSettings ice,
    TurnRelays turn,
    int packetHistorySize,
    double simulatedOutgoingLoss,
    EncoderSettings encoder,
    NodeSettings node,
    int maxSharePeers) {

  public static MediaNodeSettings from(Config root) {
    Config c = root.getConfig("streamstack.media");
    Config ice = c.getConfig("ice");
    List<InetAddress> bind = bindAddresses(ice.getStringList("bind-addresses"));
    List<InetSocketAddress> stun = new ArrayList<>();
    for (String server : ice.getStringList("stun-servers")) stun.add(hostPort(server, 3478));
    IceUdpPortSettings udp = new IceUdpPortSettings(bind, ice.getInt("udp-port"),
        (int) ice.getBytes("receive-buffer").longValue(), stun, ice.getDuration("consent-check-interval"));
    IceSettings iceSettings = IceSettings.defaults()
        .withConnectTimeout(ice.getDuration("connect-timeout"))
        .withConsentTimeout(ice.getDuration("consent-timeout"));
    TurnRelays turn = new TurnRelays(ice.getStringList("turn-servers"), ice.getString("turn-shared-secret"),
        ice.getString("turn-username"), ice.getString("turn-password"), ice.getDuration("turn-credential-ttl"));
    Config peer = c.getConfig("peer");
    double loss = peer.getDouble("simulated-outgoing-loss");
    if (loss < 0 || loss >= 1) throw new IllegalArgumentException("simulated-outgoing-loss must be in [0, 1)");
    int maxSharePeers = peer.getInt("max-share-peers");
    if (maxSharePeers < 0) throw new IllegalArgumentException("max-share-peers must be at least 0");
    return new MediaNodeSettings(udp, iceSettings, turn, peer.getInt("packet-history"), loss, EncoderSettings.fromConfig(root),
        NodeSettings.from(root), maxSharePeers);
  }

  /**
   * The addresses to offer host candidates on: those configured, or every IPv4 address of every
   * interface that is up (loopback included, so that a browser on the same machine connects).
   */
  static List<InetAddress> bindAddresses(List<String> configured) {
    List<InetAddress> addresses = new ArrayList<>();
    try {
      if (!configured.isEmpty()) {
        for (String address : configured) addresses.add(InetAddress.getByName(address));
        return addresses;
      }
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp()) continue;
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet4Address) addresses.add(address);
        }
      }
    } catch (UnknownHostException | SocketException e) {
      throw new IllegalArgumentException("bad ICE bind address: " + e.getMessage(), e);
    }
    if (addresses.isEmpty()) addresses.add(InetAddress.getLoopbackAddress());
    return addresses;
  }

  private static InetSocketAddress hostPort(String value, int defaultPort) {
    String text = value.replaceFirst("^stuns?:", "");
    int colon = text.lastIndexOf(':');
    if (colon < 0) return new InetSocketAddress(text, defaultPort);
    return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
  }

}
