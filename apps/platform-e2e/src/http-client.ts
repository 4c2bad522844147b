/**
 * A raw HTTP/1.1 client for black-box tests: sends exactly the method, path, headers and
 * body bytes it is given (fetch would normalise or refuse some of them), and returns the
 * status, headers and body text. One request per connection, so a server that breaks a
 * connection fails one request only.
 */
import { request as httpRequest } from 'node:http';

export interface RawRequest {
  method: string;
  /** Request target as sent, e.g. `/api/funds/%00?limit=5`. */
  path: string;
  headers?: Record<string, string>;
  /** Sent as is; a non-string is JSON-encoded. Absent: no body. */
  body?: unknown;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export function sendRaw(baseUrl: string, req: RawRequest, timeoutMs = 30_000): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const payload = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: { connection: 'close', ...(payload === undefined ? {} : { 'content-length': String(Buffer.byteLength(payload)) }), ...req.headers },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs} ms: ${req.method} ${req.path}`)));
    r.on('error', reject);
    if (payload !== undefined) r.write(payload);
    r.end();
  });
}
