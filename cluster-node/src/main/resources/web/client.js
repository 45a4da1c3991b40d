// A client of the gateway's signalling protocol, API version 2 (PROTOCOL.md 4 to 6): it opens the
// session's client socket, asks the instance to offer, answers, trickles candidates both ways,
// opens the `control` data channel, and closes the socket once ICE has connected.

/** Base64 of a text, as the signalling messages carry SDP and candidates (UTF-8 safe). */
export function toBase64(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromBase64(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

/** The session's stun_servers (PROTOCOL.md 3) as RTCPeerConnection iceServers. */
export function iceServersOf(stunServers) {
  return (stunServers || []).map((server) => {
    const entry = { urls: server.urls };
    if (server.username) entry.username = server.username;
    if (server.password) entry.credential = server.password;
    return entry;
  });
}

/**
 * One stream of one session. Tell it where the session is and how to show it; it reports
 * through the callbacks:
 *   onState(state)   'signalling' (socket open, waiting for the instance), 'connecting' (offer
 *                    answered, ICE checking), 'streaming' (ICE connected), 'interrupted' (ICE
 *                    lost, may come back), 'closed'
 *   onFailure(text)  why it cannot go on, in plain words; the stream is closed after it
 *   onTrack(event)   a track arrived
 *   onControl(message) a message from the application on `control`
 * With `keepSocket` (a share's peer) the signalling socket stays open after ICE connected, so that
 * the gateway can tell the page when the share ends: an error frame, then the socket closes.
 */
export class StreamClient {
  constructor({ url, stunServers, relayOnly, codecs, onState, onFailure, onTrack, onControl, keepSocket }) {
    this.url = url;
    this.keepSocket = keepSocket === true;
    this.codecs = codecs;
    this.onState = onState || (() => {});
    this.onFailure = onFailure || (() => {});
    this.onTrack = onTrack || (() => {});
    this.onControl = onControl || (() => {});
    this.state = 'new';
    this.pendingCandidates = [];
    this.remoteDescriptionSet = false;
    this.socketClosedByUs = false;
    this.lastSignallingError = null;
    this.relayOnly = relayOnly === true;
    this.localCandidates = 0;
    // What STUN/TURN servers answered when they would not serve this page, in plain words.
    this.iceServerRefusals = [];

    // Relay only: the browser offers nothing but addresses on the TURN server, so all media goes
    // through it, as it would behind a firewall that lets only the TURN server through.
    this.pc = new RTCPeerConnection({ iceServers: iceServersOf(stunServers),
                                      iceTransportPolicy: this.relayOnly ? 'relay' : 'all' });
    // The client opens its channels in-band (PROTOCOL.md 5): the instance creates none.
    this.control = this.pc.createDataChannel('control');
    this.control.onmessage = (event) => {
      try {
        this.onControl(JSON.parse(event.data));
      } catch (e) {
        console.warn('dropped a control message that is not JSON', event.data);
      }
    };
    this.pc.ontrack = (event) => this.onTrack(event);
    this.pc.onicecandidate = (event) => {
      if (event.candidate && event.candidate.candidate) this.localCandidates++;
      // After ICE connected the socket is closed (unless kept): later candidates are not needed.
      if (!event.candidate || !event.candidate.candidate || !this.socketOpen()) return;
      this.send({ type: 'candidate', candidate: toBase64(event.candidate.candidate),
                  sdpMid: event.candidate.sdpMid, sdpMLineIndex: event.candidate.sdpMLineIndex });
    };
    this.pc.oniceconnectionstatechange = () => this.onIceState(this.pc.iceConnectionState);
    this.pc.onicecandidateerror = (event) => {
      const refusal = event.errorCode === 401
        ? 'the TURN server ' + event.url + ' refused the credentials (401: expired or wrong)'
        : 'the ICE server ' + event.url + ' answered ' + event.errorCode + ' ' + event.errorText;
      console.warn(refusal);
      if (!this.iceServerRefusals.includes(refusal)) this.iceServerRefusals.push(refusal);
    };
    // With nothing gathered (relay only, and no TURN server would relay) no connection can ever
    // form, and the browser would wait in 'new' for good: say so now.
    this.pc.onicegatheringstatechange = () => {
      if (this.pc.iceGatheringState === 'complete' && this.localCandidates === 0) {
        this.fail('Could not reach the media node: ' + (this.relayOnly ? 'relay only, and no relay: ' : '')
                  + (this.iceServerRefusals.join('; ') || 'this browser found no address to use'));
      }
    };
    this.pc.onconnectionstatechange = () => {
      // ICE failing has its own words; this is the path working but DTLS (the keys) not.
      if (this.pc.connectionState === 'failed' && this.pc.iceConnectionState !== 'failed') {
        this.fail('The encrypted connection to the media node failed');
      }
    };
  }

  start() {
    this.setState('signalling');
    this.socket = new WebSocket(this.url);
    this.socket.onopen = () => this.send({ type: 'discover' });
    this.socket.onmessage = (event) => this.onSignal(event.data);
    this.socket.onclose = (event) => this.onSocketClosed(event);
  }

  /** Sends one control message (PROTOCOL.md 6); false when the channel is not open. */
  sendControl(type, data) {
    if (this.control.readyState !== 'open') return false;
    this.control.send(JSON.stringify({ type, data }));
    return true;
  }

  /** Leaves: tells the application, then closes everything. */
  stop() {
    this.sendControl('stream::disconnect', {});
    this.close();
  }

  close() {
    if (this.state === 'closed') return;
    clearTimeout(this.controlCloseTimer);
    this.closeSocket('the client left');
    // Let `stream::disconnect` leave before the association goes away with the connection.
    const pc = this.pc;
    if (this.control.readyState === 'open' && this.control.bufferedAmount > 0) {
      this.control.onbufferedamountlow = () => pc.close();
      this.control.bufferedAmountLowThreshold = 0;
      this.controlCloseTimer = setTimeout(() => pc.close(), 500);
    } else {
      pc.close();
    }
    this.setState('closed');
  }

  async stats() {
    return this.pc.getStats();
  }

  // --- signalling -------------------------------------------------------------------------------

  send(message) {
    if (this.socketOpen()) this.socket.send(JSON.stringify(message));
  }

  socketOpen() {
    return this.socket && this.socket.readyState === WebSocket.OPEN;
  }

  async onSignal(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch (e) {
      console.warn('dropped a signalling frame that is not JSON', text);
      return;
    }
    try {
      switch (message.type) {
        case 'resp:discover':
          this.send({ type: 'settings', api_version: 2, data_channels: [], enable_speaker: true,
                      enable_microphone: false, enable_video: true, enable_camera: false,
                      device_type: 'desktop', video: { preferred_decoder_codecs: this.codecs } });
          break;
        case 'offer':
          await this.onOffer(fromBase64(message.sdp));
          break;
        case 'candidate':
          await this.onRemoteCandidate({ candidate: fromBase64(message.candidate), sdpMid: message.sdpMid,
                                         sdpMLineIndex: message.sdpMLineIndex });
          break;
        case 'error':
          this.lastSignallingError = message.message;
          break;
        default:
          console.info('ignored signalling message of type', message.type);
      }
    } catch (e) {
      this.fail('The stream could not be set up (' + message.type + '): ' + e.message);
    }
  }

  async onOffer(sdp) {
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    this.remoteDescriptionSet = true;
    for (const candidate of this.pendingCandidates.splice(0)) await this.addCandidate(candidate);
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    this.send({ type: 'answer', sdp: toBase64(this.pc.localDescription.sdp) });
    this.setState('connecting');
  }

  async onRemoteCandidate(candidate) {
    if (this.remoteDescriptionSet) await this.addCandidate(candidate);
    else this.pendingCandidates.push(candidate);
  }

  async addCandidate(candidate) {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (e) {
      // One unusable candidate (an address family this browser lacks) must not end the stream.
      console.warn('ignored a remote candidate', candidate.candidate, e);
    }
  }

  onSocketClosed(event) {
    if (this.socketClosedByUs || this.state === 'closed') return;
    if (this.state === 'streaming' || this.state === 'interrupted') {
      // Only a kept socket closes while streaming without us: the gateway cut this share's peer.
      if (this.keepSocket) this.fail('The share ended: ' + (this.lastSignallingError || event.reason || 'the gateway closed it'));
      return;
    }
    const why = this.lastSignallingError || event.reason || (event.code === 1006 ? 'the connection was lost' : 'code ' + event.code);
    this.fail('The signalling connection closed before the stream started: ' + why);
  }

  closeSocket(reason) {
    if (!this.socket) return;
    this.socketClosedByUs = true;
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(1000, reason);
    }
  }

  // --- ICE --------------------------------------------------------------------------------------

  onIceState(iceState) {
    if (this.state === 'closed') return;
    switch (iceState) {
      case 'connected':
      case 'completed':
        // PROTOCOL.md 4: the socket is done once ICE is connected; the session goes on.
        if (!this.keepSocket) this.closeSocket('ICE connected');
        this.setState('streaming');
        break;
      case 'disconnected':
        this.setState('interrupted');
        break;
      case 'failed':
        this.fail('Could not reach the media node (network or firewall)'
                  + (this.iceServerRefusals.length ? ': ' + this.iceServerRefusals.join('; ') : ''));
        break;
      default:
        break;
    }
  }

  fail(text) {
    if (this.state === 'closed') return;
    this.close();
    this.onFailure(text);
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.onState(state);
  }
}
