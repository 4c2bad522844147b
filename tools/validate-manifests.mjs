#!/usr/bin/env node
// Offline validation of the Kubernetes manifests: renders every kustomize overlay with
// `kubectl kustomize` and checks what the platform relies on — each Deployment has
// readiness/liveness probes on /health/ready and /health/live, resource requests, a
// memory limit, a non-root security context, and a matching Service, PodDisruptionBudget
// and HorizontalPodAutoscaler (workers: no Service; a KEDA ScaledObject instead of the HPA
// where the overlay has one), an Ingress routing every API path and /ws, and a default-deny
// NetworkPolicy; every object valid against the Kubernetes schemas (and KEDA's CRD schema);
// then deploy/compose.yaml parsed and checked, and tools/check-config.ts (every variable an
// app reads is set by the manifests). Prints one line per check; exits 1 on any problem.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const overlays = fileURLToPath(new URL('../deploy/k8s/overlays/', import.meta.url));
let problems = 0;
for (const overlay of readdirSync(overlays)) {
  const rendered = execFileSync('kubectl', ['kustomize', overlays + overlay], { encoding: 'utf8' });
  const docs = parseAllDocuments(rendered).map((d) => d.toJS());
  const byKind = (kind) => docs.filter((d) => d.kind === kind);
  const errors = [];
  for (const dep of byKind('Deployment')) {
    const name = dep.metadata.name;
    const spec = dep.spec.template.spec;
    for (const c of spec.containers) {
      if (c.readinessProbe?.httpGet?.path !== '/health/ready') errors.push(`${name}: readinessProbe must GET /health/ready`);
      if (c.livenessProbe?.httpGet?.path !== '/health/live') errors.push(`${name}: livenessProbe must GET /health/live`);
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) errors.push(`${name}: resource requests missing`);
      if (!c.resources?.limits?.memory) errors.push(`${name}: memory limit missing`);
    }
    if (!spec.securityContext?.runAsNonRoot) errors.push(`${name}: must run as non-root`);
    const selects = (obj) => obj.spec?.selector?.matchLabels?.['app.kubernetes.io/name'] === name || obj.spec?.selector?.['app.kubernetes.io/name'] === name;
    const worker = dep.metadata.labels?.['app.kubernetes.io/component'] === 'worker';
    if (!worker && !byKind('Service').some(selects)) errors.push(`${name}: no Service selects it`);
    if (!byKind('PodDisruptionBudget').some(selects)) errors.push(`${name}: no PodDisruptionBudget`);
    const hpa = byKind('HorizontalPodAutoscaler').filter((h) => h.spec.scaleTargetRef.name === name);
    const keda = byKind('ScaledObject').filter((o) => o.spec.scaleTargetRef.name === name);
    if (hpa.length + keda.length !== 1) errors.push(`${name}: needs exactly one HorizontalPodAutoscaler or KEDA ScaledObject, has ${hpa.length} + ${keda.length}`);
    for (const o of keda) {
      const list = o.spec.triggers?.find((t) => t.type === 'redis');
      if (!list?.metadata?.listName?.endsWith(':wait') || list.metadata.activationListLength === undefined) errors.push(`${name}: the ScaledObject needs a redis trigger on the queue's …:wait list with activationListLength`);
      if (!(o.spec.minReplicaCount >= 0 && o.spec.maxReplicaCount >= o.spec.minReplicaCount)) errors.push(`${name}: ScaledObject min/max replicas`);
    }
  }
  const ingress = byKind('Ingress')[0];
  const routed = new Set((ingress?.spec.rules ?? []).flatMap((r) => r.http.paths.map((p) => p.path)));
  for (const path of ['/api/funds', '/api/portfolios', '/api/simulations', '/api/optimization', '/ws']) if (!routed.has(path)) errors.push(`Ingress does not route ${path}`);
  if (!byKind('NetworkPolicy').some((n) => Object.keys(n.spec.podSelector ?? {}).length === 0 && n.spec.policyTypes?.includes('Ingress') && !n.spec.ingress)) errors.push('no default-deny NetworkPolicy');
  if (byKind('Deployment').length === 0) errors.push('no Deployment rendered');
  // Offline schema validation of every object: the Kubernetes OpenAPI schemas
  // (kubernetes-models) and KEDA's CRD schema (@kubernetes-models/keda), both from npm.
  for (const d of docs) {
    const [group, version] = d.apiVersion.includes('/') ? d.apiVersion.split('/') : [null, d.apiVersion];
    const module = group === 'keda.sh' ? `@kubernetes-models/keda/keda.sh/${version}/${d.kind}` : `kubernetes-models/${group ? `${group}/` : ''}${version}/${d.kind}`;
    let Model;
    try {
      Model = (await import(module))[d.kind];
    } catch {
      errors.push(`${d.kind} ${d.metadata?.name}: no schema for ${d.apiVersion}`);
      continue;
    }
    try {
      new Model(d).validate();
    } catch (err) {
      errors.push(`${d.kind} ${d.metadata?.name}: ${err.message}`);
    }
  }
  problems += errors.length;
  console.log(`manifests ${overlay}: ${docs.length} objects, ${errors.length ? errors.join('; ') : 'ok'}`);
}

// deploy/compose.yaml: no Docker engine here, so it is parsed and checked, not run.
{
  const { readFileSync } = await import('node:fs');
  const { parse } = await import('yaml');
  const compose = parse(readFileSync(new URL('../deploy/compose.yaml', import.meta.url), 'utf8'), { merge: true });
  const errors = [];
  const apps = ['fund-service', 'portfolio-service', 'simulation-service', 'simulation-worker', 'optimization-service', 'realtime-gateway'];
  for (const name of apps) {
    const svc = compose.services?.[name];
    if (!svc) {
      errors.push(`${name}: missing`);
      continue;
    }
    const app = svc.build?.args?.APP;
    if (!app || !existsSync(new URL(`../apps/${app}/package.json`, import.meta.url))) errors.push(`${name}: build arg APP names no app`);
    for (const dep of ['postgres', 'redis', 'nats']) if (!svc.depends_on?.[dep]) errors.push(`${name}: does not wait for ${dep}`);
  }
  if (!String(compose.services?.['simulation-worker']?.command).includes('worker.js')) errors.push('simulation-worker: must run dist/worker.js');
  if (!compose.services?.redis?.command?.includes('noeviction')) errors.push('redis: maxmemory-policy must be noeviction');
  problems += errors.length;
  console.log(`compose.yaml (parsed, not run: no Docker engine): ${Object.keys(compose.services ?? {}).length} services, ${errors.length ? errors.join('; ') : 'ok'}`);
}
// deploy/Dockerfile, parsed (dockerfile-ast; no Docker engine here): multi-stage, the app
// chosen by a build arg, the final stage running as a non-root user.
{
  const { readFileSync } = await import('node:fs');
  const { DockerfileParser } = await import('dockerfile-ast');
  const df = DockerfileParser.parse(readFileSync(new URL('../deploy/Dockerfile', import.meta.url), 'utf8'));
  const instructions = df.getInstructions().map((i) => ({ keyword: i.getKeyword(), args: i.getArgumentsContent() ?? '' }));
  const lastFrom = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  const final = instructions.slice(lastFrom);
  const errors = [];
  if (df.getFROMs().length < 2) errors.push('not multi-stage');
  if (!final.some((i) => i.keyword === 'ARG' && i.args.trim() === 'APP')) errors.push('the final stage takes no ARG APP');
  const user = final.filter((i) => i.keyword === 'USER').at(-1)?.args.trim();
  if (!user || user === 'root' || user === '0') errors.push(`the final stage runs as ${user ?? 'root'}`);
  if (!final.some((i) => i.keyword === 'CMD' && i.args.includes('${APP}'))) errors.push('CMD does not start the chosen app');
  problems += errors.length;
  console.log(`Dockerfile (parsed, not built: no Docker engine): ${instructions.length} instructions, ${df.getFROMs().length} stages, user ${user}, ${errors.length ? errors.join('; ') : 'ok'}`);
}

// Every variable the apps read has a place in the manifests (tools/check-config.ts, run with tsx).
try {
  execFileSync(process.execPath, ['--conditions=@equihome/source', '--import', 'tsx', fileURLToPath(new URL('./check-config.ts', import.meta.url))], { stdio: 'inherit' });
} catch {
  problems++;
}
process.exit(problems ? 1 : 0);
