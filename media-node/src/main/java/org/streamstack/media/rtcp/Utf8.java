package org.streamstack.media.rtcp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Text fields of RTCP (SDES items, BYE reasons): UTF-8 (RFC 3550 6.5), at most 255 bytes. */
final class Utf8 {
    private Utf8() {}

    static int length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Decodes received text leniently: each malformed sequence becomes one '?', so the text never
     * grows past its byte length (U+FFFD would take 3 bytes and make a 255-byte field unwritable).
     */
    static String decode(byte[] buf, int off, int len) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .replaceWith("?");
        try {
            return decoder.decode(ByteBuffer.wrap(buf, off, len)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder does not throw", e);
        }
    }
}
