import type { Upstream } from './upstreams.js';

type Doc = Record<string, unknown>;
type Operations = Record<string, Record<string, unknown>>;

/** What became of one upstream's document in the merge (`x-upstreams` of the merged document). */
interface UpstreamDocState {
  name: string;
  prefix: string;
  url: string | null;
  ok: boolean;
  error?: string;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/**
 * The gateway's `/openapi.json` (and `/docs`): ONE document with every upstream's operations
 * under its path prefix (tagged with the service name), the gateway's own routes, and the
 * upstreams' component schemas. Each upstream's `/openapi.json` is fetched at most once per
 * `cacheMs` (within `timeoutMs`); one that cannot be fetched is listed in `x-upstreams` with
 * its error, and the document is still served.
 */
export function createOpenApiMerger(upstreams: Upstream[], options: { timeoutMs?: number; cacheMs?: number } = {}): (own: Doc) => Promise<Doc> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const cacheMs = options.cacheMs ?? 10_000;
  let cached: { at: number; docs: Array<{ upstream: Upstream; doc: Doc | null; error?: string }> } | undefined;

  const fetchDocs = async () => {
    if (cached && Date.now() - cached.at < cacheMs) return cached.docs;
    const docs = await Promise.all(
      upstreams.map(async (upstream) => {
        if (upstream.url === undefined) return { upstream, doc: null, error: 'not configured' };
        try {
          const res = await fetch(`${upstream.url}/openapi.json`, { signal: AbortSignal.timeout(timeoutMs) });
          if (res.status !== 200) {
            await res.body?.cancel();
            return { upstream, doc: null, error: `answered ${res.status}` };
          }
          const doc = (await res.json()) as unknown;
          return isObject(doc) ? { upstream, doc } : { upstream, doc: null, error: 'not an OpenAPI document' };
        } catch (err) {
          const e = err as Error;
          return { upstream, doc: null, error: e.cause instanceof Error ? e.cause.message : e.message };
        }
      }),
    );
    // A failed fetch is retried at the next request; a complete set is kept for cacheMs.
    if (docs.every((d) => d.doc !== null || d.upstream.url === undefined)) cached = { at: Date.now(), docs };
    return docs;
  };

  return async (own) => {
    const docs = await fetchDocs();
    const paths: Record<string, Operations> = {};
    // The gateway's own routes, minus the proxy's catch-all routes under the upstream prefixes.
    for (const [path, ops] of Object.entries(isObject(own.paths) ? own.paths : {})) {
      if (!upstreams.some((u) => under(path, u.prefix))) paths[path] = ops as Operations;
    }
    const ownComponents = isObject(own.components) ? own.components : {};
    const schemas: Record<string, unknown> = { ...(isObject(ownComponents.schemas) ? ownComponents.schemas : {}) };
    const securitySchemes: Record<string, unknown> = { ...(isObject(ownComponents.securitySchemes) ? ownComponents.securitySchemes : {}) };
    const states: UpstreamDocState[] = [];
    const tags: Array<{ name: string; description: string }> = [];
    for (const { upstream, doc, error } of docs) {
      states.push({ name: upstream.name, prefix: upstream.prefix, url: upstream.url ?? null, ok: doc !== null, ...(error ? { error } : {}) });
      if (doc === null) continue;
      const info = isObject(doc.info) ? doc.info : {};
      tags.push({ name: upstream.name, description: typeof info.description === 'string' ? info.description : upstream.name });
      for (const [path, ops] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
        if (!under(path, upstream.prefix) || !isObject(ops)) continue;
        const tagged: Operations = {};
        for (const [method, op] of Object.entries(ops)) {
          tagged[method] = HTTP_METHODS.has(method) && isObject(op) ? { ...op, tags: [upstream.name] } : (op as Record<string, unknown>);
        }
        paths[path] = tagged;
      }
      const components = isObject(doc.components) ? doc.components : {};
      if (isObject(components.schemas)) Object.assign(schemas, components.schemas);
      if (isObject(components.securitySchemes)) Object.assign(securitySchemes, components.securitySchemes);
    }
    const ownInfo = isObject(own.info) ? own.info : {};
    return {
      ...own,
      info: { ...ownInfo, title: 'Equihome API (through the realtime gateway)' },
      tags,
      paths,
      components: { ...ownComponents, schemas, securitySchemes },
      'x-upstreams': states,
    };
  };
}
