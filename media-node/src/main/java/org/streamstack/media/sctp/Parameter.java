package org.streamstack.media.sctp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A variable-length parameter of INIT, INIT ACK, HEARTBEAT or RE-CONFIG (RFC 9260 3.2.1), one file
 * per type; unknown types parse as {@link UnknownParameter}, and the two highest bits of their type
 * say what the receiver does (3.2.1: stop or skip, report or not).
 */
public sealed interface Parameter permits HeartbeatInfoParameter, StateCookieParameter, UnrecognizedParameter,
        OutgoingSsnResetRequestParameter, ReconfigResponseParameter, SupportedExtensionsParameter,
        ForwardTsnSupportedParameter, UnknownParameter {

    int HEARTBEAT_INFO = 1;
    int STATE_COOKIE = 7;
    int UNRECOGNIZED_PARAMETER = 8;
    /** RFC 6525 4.1. */
    int OUTGOING_SSN_RESET_REQUEST = 13;
    /** RFC 6525 4.4. */
    int RECONFIG_RESPONSE = 16;
    /** RFC 5061 4.2.7. */
    int SUPPORTED_EXTENSIONS = 0x8008;
    /** RFC 3758 3.1. */
    int FORWARD_TSN_SUPPORTED = 0xC000;

    int type();

    /** The Parameter Length field: header and value, without padding. */
    int length();

    default int paddedLength() {
        return NetworkOrder.padded(length());
    }

    /** Writes the parameter and its padding; returns {@link #paddedLength()}. */
    int writeTo(byte[] buf, int off);

    /** RFC 9260 3.2.1: 00 and 01 stop processing the chunk's parameters, 10 and 11 skip this one. */
    static boolean stopsProcessingWhenUnknown(int type) {
        return (type & 0x8000) == 0;
    }

    /** RFC 9260 3.2.1: 01 and 11 report the parameter as unrecognized. */
    static boolean reportedWhenUnknown(int type) {
        return (type & 0x4000) != 0;
    }

    /** Parses one parameter at {@code off}; {@code len} is what remains of the enclosing chunk. */
    static Parameter parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ParameterHeader header = ParameterHeader.parse(buf, off, len);
        int n = header.length();
        return switch (header.type()) {
            case HEARTBEAT_INFO -> HeartbeatInfoParameter.parse(buf, off, n);
            case STATE_COOKIE -> StateCookieParameter.parse(buf, off, n);
            case UNRECOGNIZED_PARAMETER -> UnrecognizedParameter.parse(buf, off, n);
            case OUTGOING_SSN_RESET_REQUEST -> OutgoingSsnResetRequestParameter.parse(buf, off, n);
            case RECONFIG_RESPONSE -> ReconfigResponseParameter.parse(buf, off, n);
            case SUPPORTED_EXTENSIONS -> SupportedExtensionsParameter.parse(buf, off, n);
            case FORWARD_TSN_SUPPORTED -> ForwardTsnSupportedParameter.parse(buf, off, n);
            default -> UnknownParameter.parse(buf, off, n);
        };
    }

    /** Parses the parameters filling {@code len} bytes (the last one's padding may be missing). */
    static List<Parameter> parseAll(byte[] buf, int off, int len) throws MalformedSctpException {
        List<Parameter> parameters = new ArrayList<>();
        int pos = 0;
        while (pos < len) {
            Parameter p = parse(buf, off + pos, len - pos);
            parameters.add(p);
            pos += Math.min(p.paddedLength(), len - pos);
        }
        return parameters;
    }

    static int lengthOfAll(List<Parameter> parameters) {
        if (parameters.isEmpty()) {
            return 0;
        }
        int total = 0;
        for (Parameter p : parameters) {
            total += p.paddedLength();
        }
        // The enclosing chunk's length leaves out the last parameter's padding.
        Parameter last = parameters.get(parameters.size() - 1);
        return total - (last.paddedLength() - last.length());
    }

    static int writeAll(List<Parameter> parameters, byte[] buf, int off) {
        int pos = off;
        for (Parameter p : parameters) {
            pos += p.writeTo(buf, pos);
        }
        return pos - off;
    }

    static <P extends Parameter> Optional<P> first(List<Parameter> parameters, Class<P> kind) {
        for (Parameter p : parameters) {
            if (kind.isInstance(p)) {
                return Optional.of(kind.cast(p));
            }
        }
        return Optional.empty();
    }
}
