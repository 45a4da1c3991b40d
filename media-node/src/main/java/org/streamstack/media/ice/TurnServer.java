package org.streamstack.media.ice;

/**
 * A TURN server to allocate a relayed candidate on (RFC 8656), with long-term credentials (RFC 8489
 * section 9.2), over UDP.
 */
public record TurnServer(String host, int port, String username, String password) {

    @Override
    public String toString() {
        return "TurnServer[" + host + ":" + port + ", " + username + "]";
    }
}
