package org.streamstack.media.x11;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The few X11 requests and replies this node speaks, encoded and decoded without any I/O. Every
 * request is little-endian: the client chooses byte order 'l' (0x6C) in its connection setup, and
 * the server then speaks little-endian to it.
 *
 * <p>Layouts are those of "X Window System Protocol, X Version 11, Release 6.x", appendix B
 * "Protocol Encoding" (sections "Connection Setup", "Requests" and "Replies"), and of "XTEST
 * Extension Protocol" version 2.2, section "Encoding" (XTestFakeInput). Section names are cited at
 * each message below.
 */
public final class X11Codec {

  /** The core protocol version we ask for: 11.0. */
  public static final int PROTOCOL_MAJOR = 11;
  public static final int PROTOCOL_MINOR = 0;
  /** The authorization protocol whose cookie we send. */
  public static final String MIT_MAGIC_COOKIE = "MIT-MAGIC-COOKIE-1";

  /** Core event types, as XTestFakeInput takes them ("Encoding", "Events": KeyPress is 2 ...). */
  public static final int KEY_PRESS = 2;
  public static final int KEY_RELEASE = 3;
  public static final int BUTTON_PRESS = 4;
  public static final int BUTTON_RELEASE = 5;
  public static final int MOTION_NOTIFY = 6;
  /** XTestFakeInput's detail for MotionNotify: True, the position is relative to the pointer's. */
  public static final int RELATIVE_MOTION = 1;

  static final int OPCODE_GET_GEOMETRY = 14;
  static final int OPCODE_QUERY_POINTER = 38;
  static final int OPCODE_QUERY_EXTENSION = 98;
  static final int OPCODE_CHANGE_HOSTS = 109;
  /** XTEST minor opcode of XTestFakeInput. */
  static final int XTEST_FAKE_INPUT = 2;
  /** Host family ServerInterpreted ("ChangeHosts": Internet 0, DECnet 1, Chaos 2, ServerInterpreted 5, ...). */
  static final int FAMILY_SERVER_INTERPRETED = 5;

  private X11Codec() {}

  /**
   * Appendix B, "Connection Setup", information sent by the client: byte-order, unused, CARD16
   * major, CARD16 minor, CARD16 n (name length), CARD16 d (data length), 2 unused, STRING8 name,
   * pad, STRING8 data, pad.
   */
  public static byte[] setupRequest(String authName, byte[] authData) {
    byte[] name = authName.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = buffer(12 + padded(name.length) + padded(authData.length));
    b.put((byte) 'l').put((byte) 0).putShort((short) PROTOCOL_MAJOR).putShort((short) PROTOCOL_MINOR);
    b.putShort((short) name.length).putShort((short) authData.length).putShort((short) 0);
    putPadded(b, name);
    putPadded(b, authData);
    return b.array();
  }

  /** What the server answered to the setup: the first screen, or why it refused. */
  public sealed interface SetupReply {}

  /** "Connection Setup", Success: what this node needs of it. */
  public record SetupAccepted(int rootWindow, int width, int height, int minKeycode, int maxKeycode, String vendor)
      implements SetupReply {}

  /** "Connection Setup", Failed or Authenticate: the server's reason. */
  public record SetupRefused(String reason) implements SetupReply {}

  /** Bytes of the setup reply's fixed head: the rest's length is in it ({@link #setupReplyLength}). */
  public static final int SETUP_HEAD = 8;

  /** Total length of the setup reply whose first 8 bytes these are. */
  public static int setupReplyLength(ByteBuffer head) {
    return SETUP_HEAD + 4 * Short.toUnsignedInt(head.order(ByteOrder.LITTLE_ENDIAN).getShort(6));
  }

  /**
   * Appendix B, "Connection Setup", information received by the client. Failed: byte 0 = 0, byte 1
   * reason length, reason at 8. Authenticate: byte 0 = 2, reason at 8. Success: byte 0 = 1, then
   * at 8 release, resource-id-base, -mask, motion buffer size, CARD16 vendor length v (24),
   * CARD16 maximum request length, CARD8 screens (28), CARD8 formats n (29), byte orders and
   * scanline units, min-keycode (34), max-keycode (35), 4 unused, vendor at 40 padded, n FORMATs
   * of 8 bytes, then the SCREENs: root WINDOW at 0, width-in-pixels at 20, height at 22.
   */
  public static SetupReply parseSetupReply(ByteBuffer reply) {
    ByteBuffer b = reply.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int status = Byte.toUnsignedInt(b.get(0));
    switch (status) {
      case 0 -> {
        int length = Byte.toUnsignedInt(b.get(1));
        return new SetupRefused(string(b, 8, Math.min(length, b.limit() - 8)));
      }
      case 2 -> {
        return new SetupRefused("the server asks for further authentication: "
            + string(b, 8, b.limit() - 8).trim());
      }
      case 1 -> {
        if (b.limit() < 40) throw new IllegalArgumentException("setup reply of " + b.limit() + " bytes is too short");
        int vendorLength = Short.toUnsignedInt(b.getShort(24));
        int screens = Byte.toUnsignedInt(b.get(28));
        int formats = Byte.toUnsignedInt(b.get(29));
        int minKeycode = Byte.toUnsignedInt(b.get(34));
        int maxKeycode = Byte.toUnsignedInt(b.get(35));
        String vendor = string(b, 40, vendorLength);
        int screen = 40 + padded(vendorLength) + 8 * formats;
        if (screens < 1 || b.limit() < screen + 24) {
          throw new IllegalArgumentException("setup reply has no screen");
        }
        return new SetupAccepted(b.getInt(screen), Short.toUnsignedInt(b.getShort(screen + 20)),
            Short.toUnsignedInt(b.getShort(screen + 22)), minKeycode, maxKeycode, vendor);
      }
      default -> throw new IllegalArgumentException("setup reply status " + status + " is not 0, 1 or 2");
    }
  }

  /**
   * Appendix B, "Requests", QueryExtension: 1 opcode 98, 1 unused, 2 request length 2+(n+p)/4, 2
   * n (name length), 2 unused, STRING8 name, pad.
   */
  public static byte[] queryExtension(String name) {
    byte[] bytes = name.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = buffer(8 + padded(bytes.length));
    b.put((byte) OPCODE_QUERY_EXTENSION).put((byte) 0).putShort((short) (b.capacity() / 4));
    b.putShort((short) bytes.length).putShort((short) 0);
    putPadded(b, bytes);
    return b.array();
  }

  /** QueryExtension's reply: whether the extension is there, and its major opcode. */
  public record ExtensionReply(boolean present, int majorOpcode, int firstEvent, int firstError) {}

  /** Appendix B, "Replies", QueryExtension: BOOL present at 8, CARD8 major-opcode 9, first-event 10, first-error 11. */
  public static ExtensionReply parseQueryExtensionReply(ByteBuffer reply) {
    ByteBuffer b = reply.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    return new ExtensionReply(b.get(8) != 0, Byte.toUnsignedInt(b.get(9)), Byte.toUnsignedInt(b.get(10)),
        Byte.toUnsignedInt(b.get(11)));
  }

  /** Appendix B, "Requests", QueryPointer: 1 opcode 38, 1 unused, 2 length 2, 4 WINDOW. */
  public static byte[] queryPointer(int window) {
    ByteBuffer b = buffer(8);
    b.put((byte) OPCODE_QUERY_POINTER).put((byte) 0).putShort((short) 2).putInt(window);
    return b.array();
  }

  /**
   * Appendix B, "Requests", GetGeometry (opcode 14, length 2): DRAWABLE. Of the root window, the
   * screen's size now (the connection setup only says what it was when we connected; RandR resizes it).
   */
  public static byte[] getGeometry(int drawable) {
    ByteBuffer b = buffer(8);
    b.put((byte) OPCODE_GET_GEOMETRY).put((byte) 0).putShort((short) 2).putInt(drawable);
    return b.array();
  }

  /** The width and height of a GetGeometry reply (CARD16 at bytes 16 and 18). */
  public record Size(int width, int height) {}

  public static Size parseGetGeometryReply(ByteBuffer reply) {
    ByteBuffer b = reply.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    return new Size(Short.toUnsignedInt(b.getShort(16)), Short.toUnsignedInt(b.getShort(18)));
  }

  /** Where the pointer is, on the root window of its screen. */
  public record PointerReply(boolean sameScreen, int root, int child, int rootX, int rootY, int buttonMask) {}

  /**
   * Appendix B, "Replies", QueryPointer: BOOL same-screen at 1, root WINDOW 8, child 12, INT16
   * root-x 16, root-y 18, win-x 20, win-y 22, SETofKEYBUTMASK 24.
   */
  public static PointerReply parseQueryPointerReply(ByteBuffer reply) {
    ByteBuffer b = reply.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    return new PointerReply(b.get(1) != 0, b.getInt(8), b.getInt(12), b.getShort(16), b.getShort(18),
        Short.toUnsignedInt(b.getShort(24)));
  }

  /**
   * XTEST "Encoding", XTestFakeInput (minor opcode 2, length 9): CARD8 type, CARD8 detail, 2
   * unused, TIMESTAMP delay (0: at once), WINDOW root, 8 unused, INT16 rootX, INT16 rootY, 7
   * unused, CARD8 deviceid. For MotionNotify detail 0 is absolute and root 0 is the pointer's
   * screen; for key and button events detail is the keycode or button.
   */
  public static byte[] fakeInput(int xtestOpcode, int type, int detail, int root, int x, int y) {
    ByteBuffer b = buffer(36);
    b.put((byte) xtestOpcode).put((byte) XTEST_FAKE_INPUT).putShort((short) 9);
    b.put((byte) type).put((byte) detail).putShort((short) 0);
    b.putInt(0).putInt(root).putInt(0).putInt(0);
    b.putShort((short) x).putShort((short) y);
    b.putInt(0).putShort((short) 0).put((byte) 0).put((byte) 0);
    return b.array();
  }

  /**
   * Appendix B, "Requests", ChangeHosts with mode Insert and family ServerInterpreted, address
   * {@code localuser\0<user>} ("Server Interpreted Addresses" of the Xsecurity manual page): lets
   * processes of that local user connect without a cookie, as {@code xhost +si:localuser:<user>}.
   * Layout: 1 opcode 109, 1 mode (0 Insert), 2 length 2+(n+p)/4, 1 family, 1 unused, 2 n, address, pad.
   */
  public static byte[] allowLocalUser(String user) {
    byte[] address = ("localuser\0" + user).getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = buffer(8 + padded(address.length));
    b.put((byte) OPCODE_CHANGE_HOSTS).put((byte) 0).putShort((short) (b.capacity() / 4));
    b.put((byte) FAMILY_SERVER_INTERPRETED).put((byte) 0).putShort((short) address.length);
    putPadded(b, address);
    return b.array();
  }

  /** Every reply, error and event starts with 32 bytes ("Replies", "Errors", "Events"). */
  public static final int HEADER = 32;

  /** What a 32-byte head from the server is: byte 0 is 0 for an error, 1 for a reply, else an event. */
  public enum Kind { ERROR, REPLY, EVENT }

  public static Kind kind(ByteBuffer head) {
    int first = Byte.toUnsignedInt(head.get(0));
    return first == 0 ? Kind.ERROR : first == 1 ? Kind.REPLY : Kind.EVENT;
  }

  /** The sequence number of a reply or error (CARD16 at 2). */
  public static int sequence(ByteBuffer head) {
    return Short.toUnsignedInt(head.duplicate().order(ByteOrder.LITTLE_ENDIAN).getShort(2));
  }

  /** Bytes that follow a reply's 32-byte head: its CARD32 reply length at 4, in 4-byte units. */
  public static long replyExtraBytes(ByteBuffer head) {
    return 4 * Integer.toUnsignedLong(head.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(4));
  }

  /** An error's code (byte 1), bad value (4), minor (8) and major opcode (10): "Errors". */
  public record X11Error(int code, int sequence, int badValue, int minorOpcode, int majorOpcode) {
    @Override
    public String toString() {
      return "X11 error " + code + " on request " + majorOpcode + "." + minorOpcode + " (value " + badValue + ")";
    }
  }

  public static X11Error parseError(ByteBuffer head) {
    ByteBuffer b = head.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    return new X11Error(Byte.toUnsignedInt(b.get(1)), Short.toUnsignedInt(b.getShort(2)), b.getInt(4),
        Short.toUnsignedInt(b.getShort(8)), Byte.toUnsignedInt(b.get(10)));
  }

  static int padded(int length) {
    return (length + 3) & ~3;
  }

  private static ByteBuffer buffer(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void putPadded(ByteBuffer b, byte[] bytes) {
    b.put(bytes);
    for (int i = bytes.length; i < padded(bytes.length); i++) b.put((byte) 0);
  }

  private static String string(ByteBuffer b, int offset, int length) {
    byte[] bytes = new byte[Math.max(0, Math.min(length, b.limit() - offset))];
    b.get(offset, bytes);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
