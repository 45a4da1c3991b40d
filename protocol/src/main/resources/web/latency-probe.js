/*
 * Reads the latency probe the media node's synthetic application draws (see
 * org.streamstack.media.app.LatencyProbe): 64 cells of 16x16 pixels from the top-left corner,
 * white = 1, black = 0, most significant bit first; cells 0-47 hold the capture time in
 * milliseconds since the Unix epoch, cells 48-63 the frame number modulo 65536. Pictures narrower
 * than 1024 pixels wrap the cells into rows of floor(width / 16).
 *
 * Draw the <video> at its intrinsic size (videoWidth x videoHeight) into a canvas, then:
 *   const probe = readLatencyProbe(ctx.getImageData(0, 0, canvas.width, canvas.height));
 *   if (probe) latencyMs = Date.now() - probe.captureTimeMillis;
 * Returns null when the picture holds no clear probe (no frame yet, wrong size, scaled).
 */
function readLatencyProbe(imageData) {
  var CELL = 16, CELLS = 64, MIN_MARGIN = 48;
  var width = imageData.width, height = imageData.height, data = imageData.data;
  if (width < 8 * CELL) return null;
  var perRow = Math.min(CELLS, Math.floor(width / CELL));
  if (height < Math.ceil(CELLS / perRow) * CELL) return null;
  var time = 0, frame = 0, margin = 127;
  for (var cell = 0; cell < CELLS; cell++) {
    var x0 = (cell % perRow) * CELL, y0 = Math.floor(cell / perRow) * CELL;
    var sum = 0;
    for (var dy = 6; dy < 10; dy++) {
      for (var dx = 6; dx < 10; dx++) {
        var i = ((y0 + dy) * width + x0 + dx) * 4;
        sum += Math.floor((data[i] + data[i + 1] + data[i + 2]) / 3);
      }
    }
    var mean = Math.floor(sum / 16);
    margin = Math.min(margin, Math.abs(mean - 128));
    var bit = mean >= 128 ? 1 : 0;
    // 48 bits stay exact in a double (53-bit mantissa); no bitwise operators, they truncate to 32.
    if (cell < 48) time = time * 2 + bit; else frame = frame * 2 + bit;
  }
  if (margin < MIN_MARGIN) return null;
  return { captureTimeMillis: time, frameNumber: frame, margin: margin };
}

if (typeof module !== 'undefined' && module.exports) module.exports = { readLatencyProbe: readLatencyProbe };
