package org.streamstack.media.rtp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * H.264 access units to RTP payloads, RFC 6184 packetization-mode=1 (non-interleaved): single NAL
 * unit packets, STAP-A and FU-A.
 *
 * <pre>
 * Single NAL unit packet (5.6)      STAP-A (5.7.1)
 *  0                   1             0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 ...       0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |F|NRI|  Type   | NAL ...         |STAP-A NAL HDR |         NALU 1 Size           | NALU 1 HDR    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                   |                         NALU 1 Data ...                       |
 * FU-A (5.8)                        +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  0                   1            |               |         NALU 2 Size           | NALU 2 HDR    |
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |                         NALU 2 Data ...                       |
 * | FU indicator  |   FU header   | +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |F|NRI|Type=28  |S|E|R|  Type   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         FU payload ...        |
 * </pre>
 *
 * <p>Each call takes one access unit and returns its payloads in order; the last one is the one
 * to send with the marker bit (RFC 6184 5.1). Every payload is at most {@code maxPayloadSize}
 * bytes. Consecutive NAL units that fit together go in one STAP-A (typically SPS, PPS and SEI
 * before an IDR slice); a NAL unit larger than the limit is split into FU-As of near-equal size, so
 * that no tiny last fragment is sent.
 *
 * <p>Parameter sets: Chromium decodes nothing from an IDR whose SPS and PPS it has not received
 * (its H264 depacketizer asks for a keyframe instead). The packetizer keeps the last SPS and PPS it
 * saw and puts them before every IDR access unit that lacks them, after any access unit delimiter.
 *
 * <p>Stateful, not thread-safe: one per stream.
 */
public final class H264Packetizer {
    /** 1188 + 12 RTP header + 8 abs-send-time + 10 SRTP tag stays under ~1250 bytes on the wire. */
    public static final int DEFAULT_MAX_PAYLOAD_SIZE = 1188;

    private static final int FU_HEADERS = 2;

    private final int maxPayloadSize;
    private byte[] lastSps;
    private byte[] lastPps;
    private long parameterSetsInserted;
    private long idrsWithoutParameterSets;

    public H264Packetizer() {
        this(DEFAULT_MAX_PAYLOAD_SIZE);
    }

    /** @param maxPayloadSize 3-65535: an FU-A needs its two header bytes and one byte of data */
    public H264Packetizer(int maxPayloadSize) {
        if (maxPayloadSize < FU_HEADERS + 1 || maxPayloadSize > 0xFFFF) {
            throw new IllegalArgumentException("max payload size must be 3-65535: " + maxPayloadSize);
        }
        this.maxPayloadSize = maxPayloadSize;
    }

    public List<byte[]> packetize(byte[] accessUnit) {
        return packetize(accessUnit, 0, accessUnit.length);
    }

    /**
     * The RTP payloads of one Annex-B access unit; the marker goes on the last. Empty if the access
     * unit holds only empty NAL units.
     *
     * @throws IllegalArgumentException if the bytes hold no Annex-B start code
     */
    public List<byte[]> packetize(byte[] buf, int off, int len) {
        List<AnnexB.NalUnit> nalUnits = withParameterSets(AnnexB.split(buf, off, len));
        List<byte[]> payloads = new ArrayList<>(nalUnits.size() + len / maxPayloadSize + 1);
        int i = 0;
        while (i < nalUnits.size()) {
            AnnexB.NalUnit first = nalUnits.get(i);
            if (first.length() > maxPayloadSize) {
                fragment(first, payloads);
                i++;
                continue;
            }
            // 5.7.1: a STAP-A is its header byte plus a 16-bit size before each NAL unit.
            int aggregateSize = 1 + 2 + first.length();
            int end = i + 1;
            while (end < nalUnits.size() && aggregateSize + 2 + nalUnits.get(end).length() <= maxPayloadSize) {
                aggregateSize += 2 + nalUnits.get(end).length();
                end++;
            }
            if (end == i + 1) {
                payloads.add(Arrays.copyOfRange(first.buf(), first.offset(), first.offset() + first.length()));
            } else {
                payloads.add(aggregate(nalUnits.subList(i, end), aggregateSize));
            }
            i = end;
        }
        return payloads;
    }

    /**
     * Remembers this access unit's parameter sets and, for an IDR access unit lacking them, puts the
     * remembered ones before the IDR: the SPS after any leading access unit delimiter (H.264 7.4.1.2.3
     * wants the delimiter first), the PPS after the SPS.
     */
    private List<AnnexB.NalUnit> withParameterSets(List<AnnexB.NalUnit> nalUnits) {
        int firstIdr = -1;
        int lastSpsBeforeIdr = -1;
        boolean ppsBeforeIdr = false;
        for (int i = 0; i < nalUnits.size() && firstIdr < 0; i++) {
            switch (nalUnits.get(i).type()) {
                case H264NalUnitType.IDR -> firstIdr = i;
                case H264NalUnitType.SPS -> lastSpsBeforeIdr = i;
                case H264NalUnitType.PPS -> ppsBeforeIdr = true;
                default -> { }
            }
        }
        boolean needSps = firstIdr >= 0 && lastSpsBeforeIdr < 0;
        boolean needPps = firstIdr >= 0 && !ppsBeforeIdr;
        byte[] sps = lastSps;
        byte[] pps = lastPps;
        remember(nalUnits);
        if (!needSps && !needPps) {
            return nalUnits;
        }
        if ((needSps && sps == null) || (needPps && pps == null)) {
            idrsWithoutParameterSets++; // nothing to insert yet: the receiver will ask for a keyframe
            return nalUnits;
        }
        List<AnnexB.NalUnit> out = new ArrayList<>(nalUnits);
        int afterDelimiters = 0;
        while (afterDelimiters < out.size() && out.get(afterDelimiters).type() == H264NalUnitType.ACCESS_UNIT_DELIMITER) {
            afterDelimiters++;
        }
        if (needPps) {
            out.add(lastSpsBeforeIdr >= 0 ? lastSpsBeforeIdr + 1 : afterDelimiters, new AnnexB.NalUnit(pps, 0, pps.length));
        }
        if (needSps) {
            out.add(afterDelimiters, new AnnexB.NalUnit(sps, 0, sps.length));
        }
        parameterSetsInserted++;
        return out;
    }

    private void remember(List<AnnexB.NalUnit> nalUnits) {
        for (AnnexB.NalUnit nal : nalUnits) {
            if (nal.type() == H264NalUnitType.SPS) {
                lastSps = Arrays.copyOfRange(nal.buf(), nal.offset(), nal.offset() + nal.length());
            } else if (nal.type() == H264NalUnitType.PPS) {
                lastPps = Arrays.copyOfRange(nal.buf(), nal.offset(), nal.offset() + nal.length());
            }
        }
    }

    private static byte[] aggregate(List<AnnexB.NalUnit> nalUnits, int size) {
        byte[] payload = new byte[size];
        // 5.7: F is the OR of the aggregated F bits, NRI the maximum of their NRIs.
        int forbidden = 0;
        int nri = 0;
        int pos = 1;
        for (AnnexB.NalUnit nal : nalUnits) {
            forbidden |= nal.header() & 0x80;
            nri = Math.max(nri, nal.header() & 0x60);
            BigEndian.put16(payload, pos, nal.length());
            System.arraycopy(nal.buf(), nal.offset(), payload, pos + 2, nal.length());
            pos += 2 + nal.length();
        }
        payload[0] = (byte) (forbidden | nri | H264NalUnitType.STAP_A);
        return payload;
    }

    /**
     * 5.8: the NAL unit header is not sent; the FU indicator carries its F and NRI, the FU header its
     * type, with S on the first fragment and E on the last (never both).
     */
    private void fragment(AnnexB.NalUnit nal, List<byte[]> payloads) {
        int header = nal.header() & 0xFF;
        byte indicator = (byte) ((header & 0xE0) | H264NalUnitType.FU_A);
        int type = header & 0x1F;
        int remaining = nal.length() - 1;
        int perFragment = maxPayloadSize - FU_HEADERS;
        int count = (remaining + perFragment - 1) / perFragment;
        int base = remaining / count;
        int larger = remaining % count;
        int pos = nal.offset() + 1;
        for (int k = 0; k < count; k++) {
            int size = base + (k < larger ? 1 : 0);
            byte[] payload = new byte[FU_HEADERS + size];
            payload[0] = indicator;
            payload[1] = (byte) ((k == 0 ? 0x80 : 0) | (k == count - 1 ? 0x40 : 0) | type);
            System.arraycopy(nal.buf(), pos, payload, FU_HEADERS, size);
            pos += size;
            payloads.add(payload);
        }
    }

    public int maxPayloadSize() {
        return maxPayloadSize;
    }

    /** IDR access units that got the remembered SPS/PPS put in front. */
    public long parameterSetsInserted() {
        return parameterSetsInserted;
    }

    /** IDR access units that lacked SPS/PPS before any had been seen: sent as they were. */
    public long idrsWithoutParameterSets() {
        return idrsWithoutParameterSets;
    }
}
