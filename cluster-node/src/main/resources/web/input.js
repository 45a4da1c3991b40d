// What the page's mouse and keyboard mean to the application (PROTOCOL.md 6): keys as Linux input
// event codes (linux/input-event-codes.h), pointer positions in pixels of the video.

/** KeyboardEvent.code (the physical key, whatever the layout) to its Linux input event code. */
export const LINUX_KEY_CODES = Object.freeze({
  Escape: 1,
  Digit1: 2, Digit2: 3, Digit3: 4, Digit4: 5, Digit5: 6, Digit6: 7, Digit7: 8, Digit8: 9, Digit9: 10, Digit0: 11,
  Minus: 12, Equal: 13, Backspace: 14, Tab: 15,
  KeyQ: 16, KeyW: 17, KeyE: 18, KeyR: 19, KeyT: 20, KeyY: 21, KeyU: 22, KeyI: 23, KeyO: 24, KeyP: 25,
  BracketLeft: 26, BracketRight: 27, Enter: 28, ControlLeft: 29,
  KeyA: 30, KeyS: 31, KeyD: 32, KeyF: 33, KeyG: 34, KeyH: 35, KeyJ: 36, KeyK: 37, KeyL: 38,
  Semicolon: 39, Quote: 40, Backquote: 41, ShiftLeft: 42, Backslash: 43,
  KeyZ: 44, KeyX: 45, KeyC: 46, KeyV: 47, KeyB: 48, KeyN: 49, KeyM: 50,
  Comma: 51, Period: 52, Slash: 53, ShiftRight: 54, AltLeft: 56, Space: 57, CapsLock: 58,
  F1: 59, F2: 60, F3: 61, F4: 62, F5: 63, F6: 64, F7: 65, F8: 66, F9: 67, F10: 68, F11: 87, F12: 88,
  ControlRight: 97, AltRight: 100,
  Home: 102, ArrowUp: 103, PageUp: 104, ArrowLeft: 105, ArrowRight: 106, End: 107, ArrowDown: 108,
  PageDown: 109, Insert: 110, Delete: 111, MetaLeft: 125, MetaRight: 126,
});

/** The Linux code of a key event, or undefined for a key the application is not told about. */
export function linuxKeyCode(keyboardCode) {
  return Object.prototype.hasOwnProperty.call(LINUX_KEY_CODES, keyboardCode) ? LINUX_KEY_CODES[keyboardCode] : undefined;
}

/** PointerEvent.button (0 main, 1 auxiliary, 2 secondary) to PROTOCOL.md's 1 left, 2 middle, 3 right. */
export function protocolButton(pointerButton) {
  switch (pointerButton) {
    case 0: return 1;
    case 1: return 2;
    case 2: return 3;
    default: return undefined;
  }
}

/**
 * Where the picture lies inside an element that shows it whole and centred (object-fit:
 * contain): bars fill the rest, left and right or above and below.
 */
export function pictureBox(elementWidth, elementHeight, videoWidth, videoHeight) {
  const scale = Math.min(elementWidth / videoWidth, elementHeight / videoHeight);
  const width = videoWidth * scale;
  const height = videoHeight * scale;
  return { scale, left: (elementWidth - width) / 2, top: (elementHeight - height) / 2, width, height };
}

/**
 * The video pixel under a point given relative to the element's top-left corner, clamped to
 * the picture: a pointer over the bars is held at the picture's edge, as on a real screen.
 */
export function videoPoint(box, videoWidth, videoHeight, elementX, elementY) {
  const x = Math.floor((elementX - box.left) / box.scale);
  const y = Math.floor((elementY - box.top) / box.scale);
  return {
    x: Math.min(videoWidth - 1, Math.max(0, x)),
    y: Math.min(videoHeight - 1, Math.max(0, y)),
  };
}

/**
 * Turns wheel events into the whole steps PROTOCOL.md 6 carries (-1, 0, 1 per axis). Mice send
 * one event per notch; touchpads send many small pixel deltas, summed here until they make a step.
 * Signs follow Linux REL_WHEEL and REL_HWHEEL: up and right are positive, so y is the browser's
 * deltaY negated.
 */
export class WheelSteps {
  static PIXELS_PER_STEP = 50;

  constructor() {
    this.x = 0;
    this.y = 0;
  }

  /** The steps this event completes: {x, y}, or null when it completes none yet. */
  add(event) {
    const pixels = event.deltaMode === 0 ? 1 : WheelSteps.PIXELS_PER_STEP;
    this.x += event.deltaX * pixels;
    this.y += event.deltaY * pixels;
    const stepX = Math.abs(this.x) >= WheelSteps.PIXELS_PER_STEP ? Math.sign(this.x) : 0;
    const stepY = Math.abs(this.y) >= WheelSteps.PIXELS_PER_STEP ? Math.sign(this.y) : 0;
    if (stepX === 0 && stepY === 0) return null;
    if (stepX !== 0) this.x = 0;
    if (stepY !== 0) this.y = 0;
    return { x: stepX, y: -stepY };
  }
}
