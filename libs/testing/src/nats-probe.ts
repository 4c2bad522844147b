import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

/**
 * One request over the NATS text protocol on a fresh TCP connection: waits for the
 * server's `INFO` line, sends `CONNECT`, subscribes an inbox and publishes `payload` to
 * `subject` with that inbox as reply subject. Resolves the reply payload; `undefined` when
 * nobody answered (503 "no responders"), the server refused (`-ERR`), the connection
 * failed or `timeoutMs` (default 2 000) passed. Never rejects.
 *
 * Written against the protocol rather than a NATS client, so the test kit depends on no
 * messaging library (libs/messaging's own tests use the kit). Without `subject` it only
 * waits for `INFO` and resolves `''`.
 */
export function natsRequest(host: string, port: number, subject?: string, payload = '', timeoutMs = 2_000): Promise<string | undefined> {
  const inbox = `_INBOX.probe_${randomBytes(6).toString('hex')}`;
  const reply = new RegExp(`MSG ${inbox.replace(/\./g, '\\.')} 1 (\\d+)\\r\\n`);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let buffer = Buffer.alloc(0);
    let asked = false;
    let settled = false;
    const done = (value: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('error', () => done(undefined));
    socket.once('close', () => done(undefined));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const text = buffer.toString('latin1'); // byte offsets = string offsets
      if (text.length < 5) return;
      if (!text.startsWith('INFO ')) return done(undefined);
      if (!text.includes('\r\n')) return; // the INFO line is still on its way
      if (subject === undefined) return done('');
      if (!asked) {
        asked = true;
        const body = Buffer.from(payload, 'utf8');
        socket.write(
          `CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true,"protocol":1,"lang":"equihome-testing","version":"1"}\r\n` +
            `SUB ${inbox} 1\r\nPUB ${subject} ${inbox} ${body.length}\r\n`,
        );
        socket.write(Buffer.concat([body, Buffer.from('\r\nPING\r\n')]));
        return;
      }
      // An error, or a status message (HMSG … NATS/1.0 503: no responders).
      if (/^-ERR/m.test(text) || text.includes(`HMSG ${inbox} `)) return done(undefined);
      const header = reply.exec(text);
      if (header === null) return;
      const start = header.index + header[0].length;
      const size = Number(header[1]);
      if (buffer.length < start + size) return; // the rest is still on its way
      done(buffer.subarray(start, start + size).toString('utf8'));
    });
  });
}

/**
 * Whether a NATS server answers on host:port (its `INFO` line); with `jetstream`, whether
 * its JetStream API answers too (`$JS.API.INFO` returns an account info, not the 503 a
 * restarting server gives while it recovers its store). Never rejects.
 */
export async function probeNats(host: string, port: number, options: { jetstream?: boolean; timeoutMs?: number } = {}): Promise<boolean> {
  if (!options.jetstream) return (await natsRequest(host, port, undefined, '', options.timeoutMs)) !== undefined;
  const body = await natsRequest(host, port, '$JS.API.INFO', '', options.timeoutMs);
  if (body === undefined) return false;
  try {
    const info = JSON.parse(body) as { type?: string; error?: unknown };
    return info.error === undefined && typeof info.type === 'string' && info.type.endsWith('account_info_response');
  } catch {
    return false;
  }
}
