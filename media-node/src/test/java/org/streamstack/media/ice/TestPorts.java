package org.streamstack.media.ice;

import java.time.Duration;

/**
 * The one {@link IceUdpPortSettings} every test in this JVM opens ports with: ice4j's consent interval is
 * fixed JVM-wide by the first port, and the consent test needs it short.
 */
public final class TestPorts {

    private TestPorts() {
    }

    public static IceUdpPortSettings loopback() {
        return IceUdpPortSettings.loopback().withConsentCheckInterval(Duration.ofMillis(300));
    }
}
