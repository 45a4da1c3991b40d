package org.streamstack.media.sctp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One error cause of an ABORT or ERROR chunk, RFC 9260 3.3.10: a cause code and cause-specific
 * information, laid out like a parameter (padded to 4 bytes, length without padding).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Cause Code          |         Cause Length          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                    Cause-Specific Information                 /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The information stays raw; the factories build the causes this implementation sends, and
 * {@link #describe()} renders any cause for a log line or a close reason.
 */
public record ErrorCause(int code, byte[] info) {
    public static final int INVALID_STREAM_IDENTIFIER = 1;
    public static final int MISSING_MANDATORY_PARAMETER = 2;
    public static final int STALE_COOKIE = 3;
    public static final int OUT_OF_RESOURCE = 4;
    public static final int UNRESOLVABLE_ADDRESS = 5;
    public static final int UNRECOGNIZED_CHUNK_TYPE = 6;
    public static final int INVALID_MANDATORY_PARAMETER = 7;
    public static final int UNRECOGNIZED_PARAMETERS = 8;
    public static final int NO_USER_DATA = 9;
    public static final int COOKIE_RECEIVED_WHILE_SHUTTING_DOWN = 10;
    public static final int RESTART_WITH_NEW_ADDRESSES = 11;
    public static final int USER_INITIATED_ABORT = 12;
    public static final int PROTOCOL_VIOLATION = 13;

    public ErrorCause {
        NetworkOrder.requireU16(code, "cause code");
        if (info.length > 0xFFFF - ParameterHeader.SIZE) {
            throw new IllegalArgumentException("cause information of " + info.length + " bytes");
        }
    }

    /** 3.3.10.12: the upper layer's reason, as text. */
    public static ErrorCause userInitiatedAbort(String reason) {
        return new ErrorCause(USER_INITIATED_ABORT, reason.getBytes(StandardCharsets.UTF_8));
    }

    /** 3.3.10.13. */
    public static ErrorCause protocolViolation(String detail) {
        return new ErrorCause(PROTOCOL_VIOLATION, detail.getBytes(StandardCharsets.UTF_8));
    }

    /** 3.3.10.6: the chunk, header included. */
    public static ErrorCause unrecognizedChunkType(Chunk chunk) {
        byte[] bytes = new byte[chunk.paddedLength()];
        chunk.writeTo(bytes, 0);
        return new ErrorCause(UNRECOGNIZED_CHUNK_TYPE, Arrays.copyOf(bytes, chunk.length()));
    }

    /** 3.3.10.3: by how much the cookie was late, in microseconds. */
    public static ErrorCause staleCookie(long stalenessMicros) {
        byte[] info = new byte[4];
        NetworkOrder.put32(info, 0, (int) Math.min(stalenessMicros, 0xFFFFFFFFL));
        return new ErrorCause(STALE_COOKIE, info);
    }

    /** 3.3.10.1: DATA for a stream the peer may not use. */
    public static ErrorCause invalidStreamIdentifier(int streamId) {
        byte[] info = new byte[4];
        NetworkOrder.put16(info, 0, streamId);
        return new ErrorCause(INVALID_STREAM_IDENTIFIER, info);
    }

    /** 3.3.10.4. */
    public static ErrorCause outOfResource() {
        return new ErrorCause(OUT_OF_RESOURCE, new byte[0]);
    }

    public static List<ErrorCause> parseAll(byte[] buf, int off, int len) throws MalformedSctpException {
        List<ErrorCause> causes = new ArrayList<>();
        int pos = 0;
        while (pos < len) {
            if (len - pos < ParameterHeader.SIZE) {
                throw new MalformedSctpException((len - pos) + " bytes cannot hold an error cause");
            }
            int code = NetworkOrder.u16(buf, off + pos);
            int length = NetworkOrder.u16(buf, off + pos + 2);
            if (length < ParameterHeader.SIZE || length > len - pos) {
                throw new MalformedSctpException("error cause " + code + " of length " + length + ", " + (len - pos) + " bytes remain");
            }
            causes.add(new ErrorCause(code, Arrays.copyOfRange(buf, off + pos + ParameterHeader.SIZE, off + pos + length)));
            pos += Math.min(NetworkOrder.padded(length), len - pos);
        }
        return causes;
    }

    static int lengthOfAll(List<ErrorCause> causes) {
        int total = 0;
        for (ErrorCause cause : causes) {
            total += NetworkOrder.padded(cause.length());
        }
        return causes.isEmpty() ? 0 : total - (NetworkOrder.padded(causes.get(causes.size() - 1).length())
                - causes.get(causes.size() - 1).length());
    }

    static void writeAll(List<ErrorCause> causes, byte[] buf, int off) {
        int pos = off;
        for (ErrorCause cause : causes) {
            pos += cause.writeTo(buf, pos);
        }
    }

    public int length() {
        return ParameterHeader.SIZE + info.length;
    }

    /** Writes the cause and its padding; returns the padded size. */
    public int writeTo(byte[] buf, int off) {
        int padded = ParameterHeader.write(buf, off, code, length());
        System.arraycopy(info, 0, buf, off + ParameterHeader.SIZE, info.length);
        return padded;
    }

    /** A human-readable rendering: the cause's name and, for text-bearing causes, its text. */
    public String describe() {
        return switch (code) {
            case USER_INITIATED_ABORT -> "User-Initiated Abort" + text();
            case PROTOCOL_VIOLATION -> "Protocol Violation" + text();
            case INVALID_STREAM_IDENTIFIER -> "Invalid Stream Identifier";
            case MISSING_MANDATORY_PARAMETER -> "Missing Mandatory Parameter";
            case STALE_COOKIE -> "Stale Cookie Error";
            case OUT_OF_RESOURCE -> "Out of Resource";
            case UNRESOLVABLE_ADDRESS -> "Unresolvable Address";
            case UNRECOGNIZED_CHUNK_TYPE -> "Unrecognized Chunk Type"
                    + (info.length > 0 ? ": " + ChunkType.name(info[0] & 0xFF) : "");
            case INVALID_MANDATORY_PARAMETER -> "Invalid Mandatory Parameter";
            case UNRECOGNIZED_PARAMETERS -> "Unrecognized Parameters";
            case NO_USER_DATA -> "No User Data";
            case COOKIE_RECEIVED_WHILE_SHUTTING_DOWN -> "Cookie Received While Shutting Down";
            case RESTART_WITH_NEW_ADDRESSES -> "Restart of an Association with New Addresses";
            default -> "cause " + code;
        };
    }

    private String text() {
        return info.length == 0 ? "" : ": " + new String(info, StandardCharsets.UTF_8).replace('\0', ' ').strip();
    }
}
