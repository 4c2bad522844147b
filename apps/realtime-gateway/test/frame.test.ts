/**
 * The gateway frames each outgoing message once (frame.ts) and writes the bytes to every
 * socket itself: they must be exactly the frame ws would write for `send(text)` — checked
 * against ws' own `Sender.frame` for each of the three length encodings (7-bit, 16-bit,
 * 64-bit), with multi-byte UTF-8.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { textFrame } from '../src/ws/frame.js';

type FrameFn = (data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }) => Buffer[];
/** ws' framing (its `Sender` is not in its type declarations). */
const wsFrame = (createRequire(import.meta.url)('ws') as { Sender: { frame: FrameFn } }).Sender.frame;

describe('textFrame', () => {
  it.each([
    ['7-bit length', 'é'.repeat(10)],
    ['125 bytes (largest 7-bit)', 'a'.repeat(125)],
    ['126 bytes (smallest 16-bit)', 'a'.repeat(126)],
    ['16-bit length', `{"type":"progress","data":"${'ü'.repeat(600)}"}`],
    ['65,535 bytes (largest 16-bit)', 'a'.repeat(65_535)],
    ['64-bit length', 'ß€'.repeat(20_000)],
  ])('%s: the same bytes as ws for send(text)', (_name, text) => {
    const frame = textFrame(text);
    const expected = Buffer.concat(wsFrame(Buffer.from(text), { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }));
    expect(frame.wire.equals(expected)).toBe(true);
    expect(frame.payload.toString('utf8')).toBe(text);
  });
});
