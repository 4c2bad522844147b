/**
 * Every variable an app reads has a place in the Kubernetes manifests, and the manifests set
 * nothing no app reads. For each Deployment of each overlay: the keys of its app's config
 * schema (platform's base shape + the app's own, read from apps/<app>/src/config.ts) must be
 * set by the container's `env`, the shared ConfigMap (`equihome-config`) or the Secret
 * (`equihome-secrets`: the keys of the dev overlay's secretGenerator, and in prod the keys the
 * secret manager provisions — SECRET_KEYS below). Run by tools/validate-manifests.mjs (CI);
 * exits 1 naming each missing or unknown variable.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { baseConfigShape } from '@equihome/platform';
import { parseAllDocuments } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
/** What the secret manager provisions as `equihome-secrets` in prod (not in this repository). */
const SECRET_KEYS = ['DATABASE_URL', 'MONGODB_URL', 'JWT_SECRET'];
/** Variables of the app's schema that a Deployment's process does not use (the worker serves no API: its listener is WORKER_HEALTH_PORT). */
const NOT_USED: Record<string, string[]> = { 'simulation-worker': ['PORT', 'HOST'] };
/** Deployment → the app whose config it reads (the worker reads simulation-service's). */
const appOf = (deployment: string) => (deployment === 'simulation-worker' ? 'simulation-service' : deployment);

async function configKeys(app: string): Promise<Set<string>> {
  const mod = (await import(pathToFileURL(`${root}apps/${app}/src/config.ts`).href)) as Record<string, unknown>;
  const shapes = Object.entries(mod).filter(([name, value]) => name.endsWith('ConfigShape') && typeof value === 'object' && value !== null);
  if (shapes.length !== 1) throw new Error(`apps/${app}/src/config.ts must export exactly one *ConfigShape, found ${shapes.map(([n]) => n).join(', ') || 'none'}`);
  return new Set([...Object.keys(baseConfigShape), ...Object.keys(shapes[0][1] as object)]);
}

let problems = 0;
const allRead = new Set<string>();
for (const overlay of readdirSync(`${root}deploy/k8s/overlays`)) {
  const docs = parseAllDocuments(execFileSync('kubectl', ['kustomize', `${root}deploy/k8s/overlays/${overlay}`], { encoding: 'utf8' })).map((d) => d.toJS());
  const configMap = docs.find((d) => d.kind === 'ConfigMap' && String(d.metadata.name).startsWith('equihome-config'));
  const secret = docs.find((d) => d.kind === 'Secret' && String(d.metadata.name).startsWith('equihome-secrets'));
  const configKeysSet = new Set(Object.keys(configMap?.data ?? {}));
  const secretKeys = new Set(secret ? Object.keys(secret.data ?? secret.stringData ?? {}) : SECRET_KEYS);
  const errors: string[] = [];
  const readHere = new Set<string>();
  for (const dep of docs.filter((d) => d.kind === 'Deployment')) {
    const app = appOf(dep.metadata.name);
    const keys = await configKeys(app);
    for (const k of keys) readHere.add(k);
    for (const c of dep.spec.template.spec.containers) {
      const env = new Set<string>((c.env ?? []).map((e: { name: string }) => e.name));
      const fromConfigMap = (c.envFrom ?? []).some((e: { configMapRef?: { name: string } }) => String(e.configMapRef?.name ?? '').startsWith('equihome-config'));
      const fromSecret = (c.envFrom ?? []).some((e: { secretRef?: { name: string } }) => String(e.secretRef?.name ?? '').startsWith('equihome-secrets'));
      for (const key of keys) {
        if (NOT_USED[dep.metadata.name]?.includes(key)) continue;
        if (env.has(key) || (fromConfigMap && configKeysSet.has(key)) || (fromSecret && secretKeys.has(key))) continue;
        errors.push(`${dep.metadata.name}: ${key} is read by ${app} but set by no env, ConfigMap or Secret`);
      }
      for (const key of env) if (!keys.has(key) && !['REDIS_ADDRESS'].includes(key)) errors.push(`${dep.metadata.name}: env ${key} is read by no app`);
    }
  }
  for (const k of readHere) allRead.add(k);
  // KEDA reads REDIS_ADDRESS from the worker's environment (addressFromEnv).
  for (const key of configKeysSet) if (!readHere.has(key) && key !== 'REDIS_ADDRESS') errors.push(`ConfigMap: ${key} is read by no app`);
  problems += errors.length;
  console.log(`config ${overlay}: ${readHere.size} variables read, ${errors.length ? `\n  ${errors.join('\n  ')}` : 'every one set by the manifests, none unknown'}`);
}
process.exit(problems ? 1 : 0);
