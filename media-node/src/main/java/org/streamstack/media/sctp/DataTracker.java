package org.streamstack.media.sctp;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * The receiver's TSN bookkeeping (RFC 9260 6.2): the cumulative TSN, the TSNs held beyond it, the
 * duplicates seen since the last SACK, and the SACK describing them.
 */
final class DataTracker {
    /** Gap ack block offsets are 16 bits (3.3.4): a TSN further ahead cannot be acknowledged, so it is refused. */
    static final int MAX_TSN_AHEAD = 0xFFFF;
    private static final int MAX_DUPLICATES_REPORTED = 32;

    enum Observation { NEW, DUPLICATE, TOO_FAR }

    private long cumulativeTsn;
    private final TreeSet<Long> received = new TreeSet<>();
    private final List<Integer> duplicates = new ArrayList<>();

    DataTracker(int peerInitialTsn) {
        cumulativeTsn = SerialNumbers.initial(peerInitialTsn) - 1;
    }

    long unwrap(int tsn) {
        return SerialNumbers.unwrap(tsn, cumulativeTsn);
    }

    boolean isDuplicate(long tsn) {
        return tsn <= cumulativeTsn || received.contains(tsn);
    }

    /** Records a DATA chunk's TSN. */
    Observation observe(long tsn) {
        if (isDuplicate(tsn)) {
            if (duplicates.size() < MAX_DUPLICATES_REPORTED) {
                duplicates.add((int) tsn);
            }
            return Observation.DUPLICATE;
        }
        if (tsn - cumulativeTsn > MAX_TSN_AHEAD) {
            return Observation.TOO_FAR;
        }
        if (tsn == cumulativeTsn + 1) {
            cumulativeTsn = tsn;
            advance();
        } else {
            received.add(tsn);
        }
        return Observation.NEW;
    }

    /** RFC 3758 3.6: everything up to {@code newCumulativeTsn} counts as received. */
    boolean forwardTo(long newCumulativeTsn) {
        if (newCumulativeTsn <= cumulativeTsn) {
            return false;
        }
        if (newCumulativeTsn - cumulativeTsn > MAX_TSN_AHEAD) {
            return false;
        }
        cumulativeTsn = newCumulativeTsn;
        received.headSet(newCumulativeTsn, true).clear();
        advance();
        return true;
    }

    private void advance() {
        while (!received.isEmpty() && received.first() == cumulativeTsn + 1) {
            cumulativeTsn = received.pollFirst();
        }
    }

    long cumulativeTsn() {
        return cumulativeTsn;
    }

    long highestReceived() {
        return received.isEmpty() ? cumulativeTsn : received.last();
    }

    boolean hasGaps() {
        return !received.isEmpty();
    }

    boolean hasDuplicates() {
        return !duplicates.isEmpty();
    }

    /**
     * The SACK for the current state (3.3.4), with at most {@code maxGapBlocks} blocks; clears the
     * duplicate list, which each SACK reports once.
     */
    SackChunk makeSack(long receiveWindow, int maxGapBlocks) {
        List<SackChunk.GapAckBlock> blocks = new ArrayList<>();
        Iterator<Long> it = received.iterator();
        long start = -1;
        long end = -1;
        while (it.hasNext() && blocks.size() < maxGapBlocks) {
            long tsn = it.next();
            if (start < 0) {
                start = end = tsn;
            } else if (tsn == end + 1) {
                end = tsn;
            } else {
                blocks.add(new SackChunk.GapAckBlock((int) (start - cumulativeTsn), (int) (end - cumulativeTsn)));
                start = end = tsn;
            }
        }
        if (start >= 0 && blocks.size() < maxGapBlocks) {
            blocks.add(new SackChunk.GapAckBlock((int) (start - cumulativeTsn), (int) (end - cumulativeTsn)));
        }
        SackChunk sack = new SackChunk((int) cumulativeTsn, (int) Math.min(receiveWindow, 0xFFFFFFFFL), blocks,
                duplicates);
        duplicates.clear();
        return sack;
    }
}
