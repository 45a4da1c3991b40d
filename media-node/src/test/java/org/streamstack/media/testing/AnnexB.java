package org.streamstack.media.testing;

import java.util.ArrayList;
import java.util.List;

/** Splits an H.264 Annex-B byte stream (ITU-T H.264 Annex B) into NAL unit types. */
public final class AnnexB {
  private AnnexB() {}

  /** nal_unit_type (H.264 section 7.3.1, low five bits of the first byte) of each NAL unit. */
  public static List<Integer> nalTypes(byte[] stream) {
    List<Integer> types = new ArrayList<>();
    int i = 0;
    while (i + 3 <= stream.length) {
      boolean three = stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1;
      if (three) {
        if (i + 3 < stream.length) types.add(stream[i + 3] & 0x1F);
        i += 3;
      } else {
        i++;
      }
    }
    return types;
  }
}
