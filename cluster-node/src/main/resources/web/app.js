// The demo page: pick an application, start a session, watch it full-window and drive it with
// mouse and keyboard, with live figures and errors in plain words. The protocol is in client.js,
// what input means in input.js; this file is the page around them.

import { StreamClient } from './client.js';
import { linuxKeyCode, pictureBox, protocolButton, videoPoint, WheelSteps } from './input.js';

const TOKEN_KEY = 'streamstack.token';
const APP_KEY = 'streamstack.app';
const MAX_WIDTH = 1920;
const MAX_HEIGHT = 1080;
const SESSION_POLL_MS = 2000;
const STATS_INTERVAL_MS = 1000;
const START_TIMEOUT_MS = 90000;
const LATENCY_SAMPLES = 90;

const TOKEN_REFUSED = 'The token was refused: check it or ask for a new one';
const NO_REGION = 'No region can start this application right now';
const UNREACHABLE = 'Could not reach the media node (network or firewall)';

const $ = (id) => document.getElementById(id);
const ui = {
  launcher: $('launcher'), form: $('start-form'), token: $('token'), app: $('app'), region: $('region'),
  codec: $('codec'), fps: $('fps'), joinable: $('joinable'), relay: $('relay'), start: $('start'), message: $('message'),
  stream: $('stream'), video: $('video'), status: $('status'), stats: $('stats'),
  fullscreen: $('fullscreen'), toggleStats: $('toggle-stats'), stop: $('stop'),
  share: $('share'), sharePanel: $('share-panel'), shareType: $('share-type'), shareCreate: $('share-create'),
  shareMessage: $('share-message'), shareResult: $('share-result'), shareLink: $('share-link'),
  shareCopy: $('share-copy'), viewOnly: $('view-only'),
};

/** Everything the page knows; `window.streamstack` below shows the parts tests read. */
const page = {
  state: 'idle',
  lastError: null,
  session: null,
  client: null,
  frames: 0,
  frameLoop: null,
  latencies: [],
  /** The application's last messages on `control` (tests read them), oldest first. */
  controlReceived: [],
  probeSeen: false,
  stats: emptyStats(),
  previousInbound: null,
  timers: [],
  pressedKeys: new Set(),
  pressedButtons: new Set(),
  pointer: { x: 0, y: 0 },
  wheel: new WheelSteps(),
  mutedForAutoplay: false,
  loads: 0,
  // This page's peer of someone else's session, when it was opened from a share link.
  joinedShare: null,
  // The link of the share this page created last.
  shareLink: null,
  // performance.now() of the steps of the last start, for the time-to-first-frame benchmark.
  timings: { requested: null, created: null, firstFrame: null },
};

function emptyStats() {
  return { width: 0, height: 0, fps: 0, bitrateKbps: 0, rttMs: null, codec: null, packetsLost: 0,
           framesDecoded: 0, latencyMs: null, path: null };
}

// --- the API ----------------------------------------------------------------------------------

class ApiFailure extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function token() {
  return ui.token.value.trim();
}

/**
 * One call to the gateway's API (PROTOCOL.md 1): the envelope's metadata, or an ApiFailure.
 * Joining a share takes no account token (`withToken` false).
 */
async function api(method, path, body, timeoutMs = 15000, withToken = true) {
  const headers = withToken ? { Authorization: 'Bearer ' + token() } : {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, cache: 'no-store', signal: AbortSignal.timeout(timeoutMs),
                                   body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    if (e.name === 'TimeoutError') throw new ApiFailure(0, 'The gateway did not answer in time: try again');
    throw new ApiFailure(0, 'The gateway cannot be reached: check the address and your network');
  }
  let envelope = null;
  try {
    envelope = await response.json();
  } catch (e) {
    // not JSON: a proxy's error page, say; the status code still tells what happened
  }
  if (!response.ok) {
    throw new ApiFailure(response.status, envelope && envelope.error ? envelope.error : response.statusText);
  }
  return envelope ? envelope.metadata : null;
}

/** What a failed call means to the person in front of the page. */
function inPlainWords(failure, action) {
  if (!(failure instanceof ApiFailure)) return action + ' failed: ' + failure.message;
  switch (failure.status) {
    case 0: return failure.message;
    case 401: return TOKEN_REFUSED;
    case 403: return 'This token may not do that: ' + failure.message;
    case 429: return 'Too many requests: wait a moment and try again';
    case 503: return action === 'Starting the session' ? NO_REGION : 'The gateway is busy: ' + failure.message;
    default: return action + ' failed: ' + failure.message;
  }
}

// --- messages and state -----------------------------------------------------------------------

function showError(text) {
  page.lastError = text;
  ui.message.textContent = text;
  ui.message.className = 'error';
}

function showInfo(text) {
  ui.message.textContent = text;
  ui.message.className = 'info';
}

function clearMessage() {
  ui.message.textContent = '';
  ui.message.className = '';
}

const STATUS_TEXT = {
  starting: 'Starting a session…',
  signalling: 'Waiting for the application to start…',
  connecting: 'Connecting to the media node…',
  streaming: 'Connected: waiting for the first picture…',
  interrupted: 'The connection was interrupted: trying to get it back…',
};

function setState(state) {
  page.state = state;
  document.body.dataset.state = state;
  const streamingView = ['starting', 'signalling', 'connecting', 'streaming', 'interrupted'].includes(state);
  ui.launcher.hidden = streamingView;
  ui.stream.hidden = !streamingView;
  let text = state === 'streaming' && page.frames > 0 ? '' : STATUS_TEXT[state] || '';
  // The id is what an operator needs to look at a session that does not start.
  if (state === 'signalling' && page.session) text += ' (session ' + page.session.id + ')';
  ui.status.textContent = text;
  ui.status.hidden = text === '';
  ui.start.disabled = state !== 'ready';
  // A share's peer cannot share the session on: only its owner can.
  ui.share.hidden = !streamingView || page.joinedShare !== null;
  if (!streamingView) ui.sharePanel.hidden = true;
  ui.viewOnly.hidden = !streamingView || !page.joinedShare || page.joinedShare.type !== 'view';
}

// --- the token and the choices ----------------------------------------------------------------

function initialToken() {
  const fromUrl = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromUrl) {
    remember(TOKEN_KEY, fromUrl);
    // Out of the address bar: it would show in screen shares and bookmarks.
    history.replaceState(null, '', location.pathname + location.search);
    return fromUrl;
  }
  return recall(TOKEN_KEY) || '';
}

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch (e) {
    // storage disabled: the page still works, it just forgets
  }
}

function recall(key) {
  try {
    return localStorage.getItem(key);
  } catch (e) {
    return null;
  }
}

function names(list) {
  return (list || []).map((entry) => (typeof entry === 'string' ? { name: entry } : entry))
    .filter((entry) => entry && typeof entry.name === 'string');
}

function fillSelect(select, options, keep) {
  select.replaceChildren(...options.map(({ value, label }) => {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = label;
    return option;
  }));
  if (keep !== null && options.some((option) => option.value === keep)) select.value = keep;
}

async function loadChoices() {
  if (!token()) {
    setState('idle');
    showInfo('Paste the token that ./streamstack up printed, or ask your operator for one.');
    return;
  }
  setState('loading');
  clearMessage();
  // A token changed again while its lists were on their way: only the newest answer counts.
  const load = ++page.loads;
  const [apps, regions] = await Promise.allSettled([
    api('GET', '/1.0/applications?recursion=true'),
    api('GET', '/1.0/regions?recursion=true'),
  ]);
  if (load !== page.loads) return;
  if (apps.status === 'rejected') {
    setState('idle');
    showError(inPlainWords(apps.reason, 'Listing the applications'));
    return;
  }
  const appList = names(apps.value);
  fillSelect(ui.app, appList.map((a) => ({ value: a.name, label: a.name })), ui.app.value || recall(APP_KEY));
  // Regions are a refinement: without the list, "nearest" still works.
  const regionList = regions.status === 'fulfilled' ? names(regions.value) : [];
  fillSelect(ui.region, [{ value: '', label: 'Nearest' }].concat(regionList.map((r) => ({
    value: r.name, label: r.available === false ? r.name + ' (full)' : r.name,
  }))), ui.region.value);
  if (appList.length === 0) {
    setState('idle');
    showInfo('No application is available to this token yet.');
    return;
  }
  setState('ready');
}

// --- a session --------------------------------------------------------------------------------

/** The window's size in CSS pixels, whole within 1920x1080 and in multiples of 8 for the encoders. */
function screenForWindow(fps) {
  let width = window.innerWidth;
  let height = window.innerHeight;
  const scale = Math.min(1, MAX_WIDTH / width, MAX_HEIGHT / height);
  width = Math.max(128, Math.floor((width * scale) / 8) * 8);
  height = Math.max(128, Math.floor((height * scale) / 8) * 8);
  return { width, height, fps };
}

function preferredCodecs() {
  return ui.codec.value === 'VP8' ? ['VP8', 'H264'] : ['H264', 'VP8'];
}

async function startSession(event) {
  event.preventDefault();
  if (page.state !== 'ready') return;
  clearMessage();
  page.lastError = null;
  // A share joined earlier has ended by now; left set, it would keep this session view-only.
  page.joinedShare = null;
  remember(APP_KEY, ui.app.value);
  const body = {
    app: ui.app.value,
    joinable: ui.joinable.checked,
    screen: screenForWindow(Number(ui.fps.value)),
  };
  if (ui.region.value) body.region = ui.region.value;
  setState('starting');
  page.timings = { requested: performance.now(), created: null, firstFrame: null };
  let session;
  try {
    session = await api('POST', '/1.0/sessions', body);
    page.timings.created = performance.now();
  } catch (failure) {
    setState('ready');
    showError(inPlainWords(failure, 'Starting the session'));
    return;
  }
  page.session = { id: session.id, joinable: session.joinable === true, shared: false };
  startStream(session.url, session.stun_servers, false);
  page.timers.push(setInterval(() => checkSession(SESSION_POLL_MS), SESSION_POLL_MS));
}

/** Streams the session whose client socket is `url`; a share's peer keeps its socket open. */
function startStream(url, stunServers, keepSocket) {
  page.frames = 0;
  page.latencies = [];
  page.probeSeen = false;
  page.stats = emptyStats();
  page.previousInbound = null;
  page.client = new StreamClient({
    url,
    stunServers,
    relayOnly: ui.relay.checked,
    codecs: preferredCodecs(),
    keepSocket,
    onState: onStreamState,
    onFailure: onStreamFailure,
    onTrack,
    onControl: onControl,
  });
  page.client.start();
  page.timers.push(setInterval(sampleStats, STATS_INTERVAL_MS));
  page.startTimer = setTimeout(() => {
    endStream('The application did not start within ' + START_TIMEOUT_MS / 1000 + ' seconds: try again, '
              + 'or ask the operator to look at the media nodes');
  }, START_TIMEOUT_MS);
}

function onStreamState(state) {
  if (state === 'closed') return;
  if (state === 'streaming') clearTimeout(page.startTimer);
  setState(state);
  if (state === 'interrupted') checkSession();
}

/**
 * The stream broke. When the session itself ended or failed, its own reason says more than the
 * broken connection does (a media node gone, the session deleted elsewhere): ask it first.
 */
async function onStreamFailure(text) {
  if (page.session && !page.session.shared) await checkSession(3000);
  endStream(text);
}

/** While streaming: has the session ended, or failed, on the gateway's side? */
async function checkSession(timeoutMs) {
  const session = page.session;
  if (!session) return;
  let current;
  try {
    current = await api('GET', '/1.0/sessions/' + session.id, undefined, timeoutMs);
  } catch (failure) {
    if (page.session !== session) return;
    if (failure.status === 404) endStream('The session ended');
    else if (failure.status === 401) endStream(TOKEN_REFUSED);
    // Anything else may pass: the next poll asks again.
    return;
  }
  if (page.session !== session) return;
  if (current.status === 'error') {
    endStream('The session failed: ' + (current.status_message || 'the gateway gave no reason'));
  } else if (current.status === 'terminating' || current.status === 'terminated') {
    endStream('The session ended' + (current.status_message ? ': ' + current.status_message : ''));
  }
}

/** Leaves the stream: with a reason when it failed, without when the person stopped it. */
function endStream(failure) {
  const session = page.session;
  if (!session) return;
  page.session = null;
  page.timers.forEach(clearInterval);
  page.timers = [];
  clearTimeout(page.startTimer);
  releaseInput();
  if (page.client) page.client.stop();
  page.client = null;
  ui.video.srcObject = null;
  page.frameLoop = null;
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  // A share's peer has no account here: nothing to start until a token is given.
  setState(session.shared ? 'idle' : 'ready');
  if (failure) showError(failure);
  if (session.shared) {
    // Someone else's session: it goes on without this page; the link joins it again.
    if (!failure) showInfo('You left the shared session. Open its link again to come back.');
  } else if (!session.joinable) {
    api('DELETE', '/1.0/sessions/' + session.id).then(
      () => { if (!failure) showInfo('The session has ended.'); },
      (deleteFailure) => {
        if (!failure && deleteFailure.status !== 404) showError(inPlainWords(deleteFailure, 'Ending the session'));
      });
  } else if (!failure) {
    showInfo('You left the session; it stays joinable for a while.');
  }
}

// --- pictures and figures ---------------------------------------------------------------------

function onTrack(event) {
  let stream = ui.video.srcObject;
  if (!stream) {
    stream = new MediaStream();
    ui.video.srcObject = stream;
  }
  stream.addTrack(event.track);
  if (event.track.kind === 'video' && page.frameLoop === null) startFrameLoop();
  ui.video.play().catch(() => {
    // Browsers refuse sound before the person has touched the page: picture now, sound on a click.
    page.mutedForAutoplay = true;
    ui.video.muted = true;
    ui.video.play().catch(() => {});
  });
}

/** Counts the frames shown and reads their probes; a loop of an earlier stream stops by itself. */
function startFrameLoop() {
  const loop = Symbol('frame loop');
  page.frameLoop = loop;
  const onFrame = (now, metadata) => {
    if (page.frameLoop !== loop) return;
    page.frames++;
    if (page.frames === 1) {
      page.timings.firstFrame = performance.now();
      setState(page.state);
    }
    readProbe(metadata.width, metadata.height);
    ui.video.requestVideoFrameCallback(onFrame);
  };
  ui.video.requestVideoFrameCallback(onFrame);
}

const probeCanvas = document.createElement('canvas');
const probeContext = probeCanvas.getContext('2d', { willReadFrequently: true });

/**
 * Glass-to-glass latency from the synthetic application's latency probe (latency-probe.js):
 * the capture time drawn into the picture against this machine's clock when the frame is shown.
 * Pictures without a probe (real applications) are looked at only now and then.
 */
function readProbe(width, height) {
  if (width < 128 || (!page.probeSeen && page.frames % 30 !== 1)) return;
  const perRow = Math.min(64, Math.floor(width / 16));
  const stripHeight = Math.min(height, Math.ceil(64 / perRow) * 16);
  if (probeCanvas.width !== width || probeCanvas.height !== stripHeight) {
    probeCanvas.width = width;
    probeCanvas.height = stripHeight;
  }
  probeContext.drawImage(ui.video, 0, 0, width, stripHeight, 0, 0, width, stripHeight);
  const probe = window.readLatencyProbe(probeContext.getImageData(0, 0, width, stripHeight));
  if (!probe) return;
  page.probeSeen = true;
  page.latencies.push(Date.now() - probe.captureTimeMillis);
  if (page.latencies.length > LATENCY_SAMPLES) page.latencies.shift();
}

function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function sampleStats() {
  const client = page.client;
  if (!client) return;
  let report;
  try {
    report = await client.stats();
  } catch (e) {
    return; // the connection closed meanwhile
  }
  if (client !== page.client) return;
  let inbound = null;
  let transport = null;
  const codecs = new Map();
  const pairs = new Map();
  const localCandidates = new Map();
  report.forEach((entry) => {
    if (entry.type === 'inbound-rtp' && entry.kind === 'video') inbound = entry;
    else if (entry.type === 'codec') codecs.set(entry.id, entry);
    else if (entry.type === 'candidate-pair') pairs.set(entry.id, entry);
    else if (entry.type === 'transport') transport = entry;
    else if (entry.type === 'local-candidate') localCandidates.set(entry.id, entry);
  });
  const stats = page.stats;
  if (inbound) {
    const previous = page.previousInbound;
    stats.width = inbound.frameWidth || 0;
    stats.height = inbound.frameHeight || 0;
    stats.framesDecoded = inbound.framesDecoded || 0;
    stats.packetsLost = inbound.packetsLost || 0;
    if (previous) {
      const seconds = (inbound.timestamp - previous.timestamp) / 1000;
      if (seconds > 0) {
        stats.bitrateKbps = Math.round(((inbound.bytesReceived - previous.bytesReceived) * 8) / seconds / 1000);
        stats.fps = inbound.framesPerSecond !== undefined
          ? inbound.framesPerSecond
          : Math.round((inbound.framesDecoded - previous.framesDecoded) / seconds);
      }
    }
    page.previousInbound = inbound;
    const codec = codecs.get(inbound.codecId);
    if (codec && codec.mimeType) stats.codec = codec.mimeType.replace(/^video\//i, '');
  }
  const pair = transport && transport.selectedCandidatePairId
    ? pairs.get(transport.selectedCandidatePairId)
    : [...pairs.values()].find((p) => p.nominated && p.state === 'succeeded');
  stats.rttMs = pair && pair.currentRoundTripTime !== undefined ? Math.round(pair.currentRoundTripTime * 1000) : null;
  // Whether the media comes straight from the media node or through the TURN server.
  const local = pair && localCandidates.get(pair.localCandidateId);
  stats.path = !local ? null : local.candidateType === 'relay' ? 'relayed (TURN)' : 'direct';
  stats.latencyMs = median(page.latencies);
  renderStats();
}

function renderStats() {
  const s = page.stats;
  const set = (id, text) => { $(id).textContent = text; };
  set('stat-resolution', s.width ? s.width + '×' + s.height : '–');
  set('stat-fps', s.width ? s.fps + ' fps' : '–');
  set('stat-bitrate', s.width ? s.bitrateKbps.toLocaleString('en') + ' kb/s' : '–');
  set('stat-rtt', s.rttMs === null ? '–' : s.rttMs + ' ms');
  set('stat-codec', s.codec || '–');
  set('stat-path', s.path || '–');
  set('stat-lost', String(s.packetsLost));
  // A capture time far off this clock means the media node's clock differs from this machine's.
  set('stat-latency', s.latencyMs === null ? 'no probe in the picture'
      : s.latencyMs < -20 || s.latencyMs > 10000 ? 'clocks differ' : s.latencyMs + ' ms');
}

const CONTROL_KEPT = 100;

function onControl(message) {
  console.info('from the application:', message);
  page.controlReceived.push(message);
  if (page.controlReceived.length > CONTROL_KEPT) page.controlReceived.shift();
}

// --- input ------------------------------------------------------------------------------------

function driving() {
  // A view share's peer only watches (the media node would drop its input anyway).
  if (page.joinedShare && page.joinedShare.type === 'view') return false;
  return page.client !== null && (page.state === 'streaming' || page.state === 'interrupted');
}

function send(type, data) {
  return page.client !== null && page.client.sendControl(type, data);
}

function sendMouseMove(x, y) {
  const moved = send('input::mouse-move', { x, y, rx: x - page.pointer.x, ry: y - page.pointer.y });
  page.pointer = { x, y };
  return moved;
}

function pointerPosition(event) {
  const video = ui.video;
  if (!video.videoWidth) return null;
  const rect = video.getBoundingClientRect();
  const box = pictureBox(rect.width, rect.height, video.videoWidth, video.videoHeight);
  return videoPoint(box, video.videoWidth, video.videoHeight, event.clientX - rect.left, event.clientY - rect.top);
}

function onPointerMove(event) {
  if (!driving()) return;
  const point = pointerPosition(event);
  if (point && (point.x !== page.pointer.x || point.y !== page.pointer.y)) sendMouseMove(point.x, point.y);
}

function onPointerDown(event) {
  if (!driving()) return;
  event.preventDefault();
  if (page.mutedForAutoplay) {
    page.mutedForAutoplay = false;
    ui.video.muted = false;
  }
  const button = protocolButton(event.button);
  if (button === undefined) return;
  // Held while the button is down: a drag past the picture's edge still reaches the application.
  ui.video.setPointerCapture(event.pointerId);
  onPointerMove(event);
  page.pressedButtons.add(button);
  send('input::mouse-button', { button, pressed: true });
}

function onPointerUp(event) {
  const button = protocolButton(event.button);
  if (button === undefined || !page.pressedButtons.delete(button)) return;
  send('input::mouse-button', { button, pressed: false });
}

function onWheel(event) {
  if (!driving()) return;
  event.preventDefault();
  const steps = page.wheel.add(event);
  if (steps) send('input::mouse-wheel', steps);
}

function onKey(event) {
  if (!driving()) return;
  const code = linuxKeyCode(event.code);
  if (code === undefined) return;
  event.preventDefault();
  const pressed = event.type === 'keydown';
  // The application repeats a held key itself, as a local keyboard would.
  if (pressed && (event.repeat || page.pressedKeys.has(code))) return;
  if (!pressed && !page.pressedKeys.has(code)) return;
  if (pressed) page.pressedKeys.add(code);
  else page.pressedKeys.delete(code);
  send('input::key', { code, pressed });
}

/** Lets go of every key and button held, so that nothing stays stuck when the page loses focus. */
function releaseInput() {
  for (const code of page.pressedKeys) send('input::key', { code, pressed: false });
  for (const button of page.pressedButtons) send('input::mouse-button', { button, pressed: false });
  page.pressedKeys.clear();
  page.pressedButtons.clear();
}

function sendKey(code) {
  const linux = typeof code === 'number' ? code : linuxKeyCode(code);
  if (linux === undefined) return false;
  return send('input::key', { code: linux, pressed: true }) && send('input::key', { code: linux, pressed: false });
}

function pixelAt(x, y) {
  const video = ui.video;
  if (!video.videoWidth) return null;
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(video, 0, 0);
  return Array.from(context.getImageData(x, y, 1, 1).data.slice(0, 3));
}

// --- shares -----------------------------------------------------------------------------------

/** Creates a share of the streaming session and shows its link; resolves to the link. */
async function createShare(type) {
  const session = page.session;
  if (!session || session.shared) throw new Error('no session of this page to share');
  ui.shareMessage.textContent = 'Creating the link…';
  ui.shareMessage.className = '';
  ui.shareCreate.disabled = true;
  try {
    const share = await api('POST', '/1.0/sessions/' + session.id + '/share', { type });
    page.shareLink = share.url;
    ui.shareLink.value = share.url;
    ui.shareResult.hidden = false;
    const until = new Date(share.expiry_at * 1000).toLocaleTimeString();
    ui.shareMessage.textContent = (type === 'control' ? 'Whoever opens this link can watch and drive'
      : 'Whoever opens this link can watch') + ' this session until ' + until + '.';
    return share.url;
  } catch (failure) {
    ui.shareMessage.textContent = inPlainWords(failure, 'Sharing the session');
    ui.shareMessage.className = 'error';
    throw failure;
  } finally {
    ui.shareCreate.disabled = false;
  }
}

async function copyShareLink() {
  try {
    await navigator.clipboard.writeText(ui.shareLink.value);
  } catch (e) {
    // No clipboard permission (plain http, say): select it, for the person to copy.
    ui.shareLink.select();
    document.execCommand('copy');
  }
  ui.shareCopy.textContent = 'Copied';
  setTimeout(() => { ui.shareCopy.textContent = 'Copy'; }, 1500);
}

/** The share in the page's address (#share=<id>&secret=<s>), or null. */
function shareInAddress() {
  const params = new URLSearchParams(location.hash.slice(1));
  const id = params.get('share');
  const secret = params.get('secret');
  return id && secret ? { id, secret } : null;
}

/** Opened from a share's link: joins the shared session as a peer, with no account. */
async function joinShare({ id, secret }) {
  setState('starting');
  page.timings = { requested: performance.now(), created: null, firstFrame: null };
  let joined;
  try {
    joined = await api('POST', '/1.0/shares/' + encodeURIComponent(id) + '/join', { secret }, 15000, false);
    page.timings.created = performance.now();
  } catch (failure) {
    setState('idle');
    showError(failure.status === 404 ? 'This share has ended or does not exist: ' + failure.message
      : failure.status === 403 ? 'This share link is not right (its secret was refused)'
      : inPlainWords(failure, 'Joining the shared session'));
    return;
  }
  page.joinedShare = { id, type: joined.type, peer: joined.peer };
  page.session = { id: joined.session_id, joinable: true, shared: true };
  setState('starting');
  startStream(joined.url, joined.stun_servers, true);
  page.startTimer = setTimeout(() => {
    endStream('The shared session did not start streaming within ' + START_TIMEOUT_MS / 1000 + ' seconds');
  }, START_TIMEOUT_MS);
}

// --- wiring -----------------------------------------------------------------------------------

function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  else ui.stream.requestFullscreen().catch((e) => console.warn('full screen refused', e));
}

ui.form.addEventListener('submit', startSession);
ui.token.addEventListener('change', () => {
  remember(TOKEN_KEY, token());
  loadChoices();
});
ui.stop.addEventListener('click', () => endStream(null));
ui.fullscreen.addEventListener('click', toggleFullscreen);
ui.toggleStats.addEventListener('click', () => { ui.stats.hidden = !ui.stats.hidden; });
ui.share.addEventListener('click', () => { ui.sharePanel.hidden = !ui.sharePanel.hidden; });
ui.sharePanel.addEventListener('submit', (event) => {
  event.preventDefault();
  createShare(ui.shareType.value).catch(() => {});
});
ui.shareCopy.addEventListener('click', copyShareLink);
// Toolbar buttons must not keep the focus: Space and Enter belong to the application.
for (const button of [ui.stop, ui.fullscreen, ui.toggleStats, ui.share, ui.shareCreate, ui.shareCopy]) {
  button.addEventListener('mouseup', () => button.blur());
}
document.addEventListener('fullscreenchange', () => {
  ui.fullscreen.textContent = document.fullscreenElement ? 'Leave full screen' : 'Full screen';
});
ui.video.addEventListener('pointermove', onPointerMove);
ui.video.addEventListener('pointerdown', onPointerDown);
ui.video.addEventListener('pointerup', onPointerUp);
ui.video.addEventListener('pointercancel', onPointerUp);
ui.video.addEventListener('contextmenu', (event) => { if (driving()) event.preventDefault(); });
ui.video.addEventListener('wheel', onWheel, { passive: false });
window.addEventListener('keydown', onKey);
window.addEventListener('keyup', onKey);
window.addEventListener('blur', releaseInput);
// Closing the tab leaves the session as the Stop button would; keepalive lets the request outlive the page.
window.addEventListener('pagehide', () => {
  const session = page.session;
  if (!session) return;
  if (page.client) page.client.stop();
  if (!session.joinable && !session.shared) {
    fetch('/1.0/sessions/' + session.id, { method: 'DELETE', keepalive: true,
                                           headers: { Authorization: 'Bearer ' + token() } }).catch(() => {});
  }
});

/** What browser tests read and do; a person never needs it. */
window.streamstack = {
  get state() { return page.state; },
  get stats() { return { ...page.stats }; },
  get lastError() { return page.lastError; },
  get sessionId() { return page.session ? page.session.id : null; },
  get timings() { return { ...page.timings }; },
  get latencies() { return [...page.latencies]; },
  /** The link of the share this page created last, or null. */
  get shareLink() { return page.shareLink; },
  /** 'view' or 'control' on a page opened from a share's link; null otherwise. */
  get shareType() { return page.joinedShare ? page.joinedShare.type : null; },
  get sharePeer() { return page.joinedShare ? page.joinedShare.peer : null; },
  /** Creates a share ('view' or 'control') of the streaming session; resolves to its link. */
  createShare,
  framesDecoded: () => page.frames,
  sendKey,
  sendMouseMove,
  pixelAt,
  /** Sends the application a message on `control` (an out-of-band one for a type PROTOCOL.md 6 does not define). */
  sendControl: send,
  get controlReceived() { return [...page.controlReceived]; },
};

ui.token.value = initialToken();
renderStats();
const sharedByLink = shareInAddress();
if (sharedByLink) joinShare(sharedByLink);
else loadChoices();
