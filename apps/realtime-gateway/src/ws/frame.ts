/**
 * A server → client WebSocket text message, framed ONCE (RFC 6455 §5.2: FIN + text opcode,
 * unmasked as every server frame is, no extension bits — the gateway never negotiates
 * permessage-deflate) so that the same bytes can be written to every socket of a channel
 * with a single `write` each, instead of ws framing and writing header and payload again
 * per socket (`cork` + two writes + `writev`).
 */
export interface OutboundFrame {
  /** The message's UTF-8 JSON text (the payload). */
  readonly payload: Buffer;
  /** Header + payload: the frame as it goes on the wire. */
  readonly wire: Buffer;
}

/** Frames `json` (a serialized message) as one unmasked, final text frame. */
export function textFrame(json: string): OutboundFrame {
  const length = Buffer.byteLength(json);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const wire = Buffer.allocUnsafe(header + length);
  wire[0] = 0x81; // FIN + opcode 1 (text)
  if (header === 2) wire[1] = length;
  else if (header === 4) {
    wire[1] = 126;
    wire.writeUInt16BE(length, 2);
  } else {
    wire[1] = 127;
    wire.writeBigUInt64BE(BigInt(length), 2);
  }
  wire.write(json, header, 'utf8');
  return { payload: wire.subarray(header), wire };
}
