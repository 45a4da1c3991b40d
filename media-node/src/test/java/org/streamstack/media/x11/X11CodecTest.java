package org.streamstack.media.x11;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Byte vectors written out by hand from the X11 protocol's appendix B and the XTEST encoding. */
class X11CodecTest {

  private static byte[] hex(String text) {
    return HexFormat.of().parseHex(text.replace(" ", ""));
  }

  @Test
  void setupRequestCarriesTheCookiePadded() {
    byte[] cookie = hex("00112233445566778899aabbccddeeff");
    byte[] expected = hex("6c00 0b00 0000 1200 1000 0000" // 'l', 11.0, name 18, data 16, unused
        + "4d49542d4d414749432d434f4f4b49452d31 0000" // MIT-MAGIC-COOKIE-1 + 2 pad
        + "00112233445566778899aabbccddeeff");
    assertArrayEquals(expected, X11Codec.setupRequest(X11Codec.MIT_MAGIC_COOKIE, cookie));
  }

  @Test
  void setupRequestWithoutAuthorizationIsTwelveBytes() {
    assertArrayEquals(hex("6c00 0b00 0000 0000 0000 0000"), X11Codec.setupRequest("", new byte[0]));
  }

  @Test
  void setupSuccessGivesTheFirstScreen() {
    // Fixed part 40 bytes, vendor "Xvfb" (4), one FORMAT (8), one SCREEN (40 with no depths).
    ByteBuffer b = ByteBuffer.allocate(8 + 32 + 4 + 8 + 40).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 1).put((byte) 0).putShort((short) 11).putShort((short) 0).putShort((short) ((b.capacity() - 8) / 4));
    b.putInt(12101006).putInt(0x00200000).putInt(0x001fffff).putInt(256);
    b.putShort((short) 4).putShort((short) 0xffff).put((byte) 1).put((byte) 1);
    b.put((byte) 0).put((byte) 0).put((byte) 32).put((byte) 32).put((byte) 8).put((byte) 255).putInt(0);
    b.put("Xvfb".getBytes());
    b.put(new byte[] {24, 32, 32, 0, 0, 0, 0, 0});
    b.putInt(0x0000053b).putInt(0x20).putInt(0xffffff).putInt(0).putInt(0);
    b.putShort((short) 1280).putShort((short) 720).putShort((short) 338).putShort((short) 190);
    b.put(new byte[12]);
    assertEquals(b.capacity(), X11Codec.setupReplyLength(ByteBuffer.wrap(b.array(), 0, 8)));
    X11Codec.SetupReply reply = X11Codec.parseSetupReply(b.flip());
    assertEquals(new X11Codec.SetupAccepted(0x53b, 1280, 720, 8, 255, "Xvfb"), reply);
  }

  @Test
  void setupFailureGivesTheReason() {
    byte[] reason = "No protocol specified\n".getBytes();
    ByteBuffer b = ByteBuffer.allocate(8 + 24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0).put((byte) reason.length).putShort((short) 11).putShort((short) 0).putShort((short) 6);
    b.put(reason);
    X11Codec.SetupReply reply = X11Codec.parseSetupReply(b.flip());
    assertEquals(new X11Codec.SetupRefused("No protocol specified\n"), reply);
  }

  @Test
  void setupReplyWithUnknownStatusIsRejected() {
    ByteBuffer reply = ByteBuffer.wrap(new byte[40]).put(0, (byte) 7);
    assertThrows(IllegalArgumentException.class, () -> X11Codec.parseSetupReply(reply));
  }

  @Test
  void queryExtensionNamesXtest() {
    // opcode 98, length 2 + 8/4 = 4 words, name length 5, "XTEST" + 3 pad
    assertArrayEquals(hex("6200 0400 0500 0000 5854455354 000000"), X11Codec.queryExtension("XTEST"));
  }

  @Test
  void queryExtensionReplyGivesTheMajorOpcode() {
    byte[] reply = hex("0100 0100 00000000 01 84 00 00" + "00".repeat(20));
    assertEquals(new X11Codec.ExtensionReply(true, 132, 0, 0),
        X11Codec.parseQueryExtensionReply(ByteBuffer.wrap(reply)));
    assertEquals(X11Codec.Kind.REPLY, X11Codec.kind(ByteBuffer.wrap(reply)));
    assertEquals(1, X11Codec.sequence(ByteBuffer.wrap(reply)));
    assertEquals(0, X11Codec.replyExtraBytes(ByteBuffer.wrap(reply)));
    // A CARD32 length is unsigned: the largest one is a length, not a negative number.
    byte[] huge = reply.clone();
    ByteBuffer.wrap(huge).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(4, -1);
    assertEquals(4L * 0xFFFF_FFFFL, X11Codec.replyExtraBytes(ByteBuffer.wrap(huge)));
  }

  @Test
  void fakeMotionIsAbsoluteOnTheRoot() {
    byte[] expected = hex("84 02 0900" + "06 00 0000" + "00000000" + "3b050000" + "00000000 00000000"
        + "6400 c800" + "00000000 0000 00 00");
    assertArrayEquals(expected, X11Codec.fakeInput(132, X11Codec.MOTION_NOTIFY, 0, 0x53b, 100, 200));
  }

  @Test
  void fakeKeyAndButtonCarryTheirDetail() {
    byte[] key = X11Codec.fakeInput(132, X11Codec.KEY_PRESS, 38, 0, 0, 0);
    assertEquals(36, key.length);
    assertArrayEquals(hex("84 02 0900 02 26 0000"), java.util.Arrays.copyOf(key, 8));
    byte[] release = X11Codec.fakeInput(132, X11Codec.BUTTON_RELEASE, 5, 0, 0, 0);
    assertArrayEquals(hex("84 02 0900 05 05 0000"), java.util.Arrays.copyOf(release, 8));
  }

  @Test
  void queryPointerAndItsReply() {
    assertArrayEquals(hex("2600 0200 3b050000"), X11Codec.queryPointer(0x53b));
    byte[] reply = hex("01 01 0700 00000000 3b050000 00000000 6400 c800 6400 c800 0001 000000000000");
    assertEquals(new X11Codec.PointerReply(true, 0x53b, 0, 100, 200, 0x100),
        X11Codec.parseQueryPointerReply(ByteBuffer.wrap(reply)));
  }

  @Test
  void allowLocalUserIsAServerInterpretedHost() {
    // "localuser\0root" is 14 bytes, padded to 16; length 2 + 16/4 = 6 words
    assertArrayEquals(hex("6d00 0600 05 00 0e00" + "6c6f63616c75736572 00 726f6f74 0000"),
        X11Codec.allowLocalUser("root"));
  }

  @Test
  void errorsAreRecognised() {
    byte[] error = hex("00 0a 0300 00000000 0200 84 00" + "00".repeat(20));
    assertEquals(X11Codec.Kind.ERROR, X11Codec.kind(ByteBuffer.wrap(error)));
    assertInstanceOf(X11Codec.X11Error.class, X11Codec.parseError(ByteBuffer.wrap(error)));
    assertEquals(new X11Codec.X11Error(10, 3, 0, 2, 132), X11Codec.parseError(ByteBuffer.wrap(error)));
  }

  @Test
  void authorityEntryIsBigEndianAndWild() {
    byte[] cookie = hex("00112233445566778899aabbccddeeff");
    byte[] expected = hex("ffff 0000 0002 3432 0012 4d49542d4d414749432d434f4f4b49452d31 0010"
        + "00112233445566778899aabbccddeeff");
    assertArrayEquals(expected, XAuthority.entry(42, cookie));
  }
}
