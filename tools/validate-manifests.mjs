#!/usr/bin/env node
// Offline validation of the Kubernetes manifests: renders every kustomize overlay with
// `kubectl kustomize` and checks what the platform relies on — each Deployment has
// readiness/liveness probes on /health/ready and /health/live, resource requests, a
// memory limit, a non-root security context, and a matching Service, PodDisruptionBudget
// and HorizontalPodAutoscaler. Prints one line per overlay; exits 1 on any problem.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
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
    if (!byKind('Service').some(selects)) errors.push(`${name}: no Service selects it`);
    if (!byKind('PodDisruptionBudget').some(selects)) errors.push(`${name}: no PodDisruptionBudget`);
    if (!byKind('HorizontalPodAutoscaler').some((h) => h.spec.scaleTargetRef.name === name)) errors.push(`${name}: no HorizontalPodAutoscaler`);
  }
  if (byKind('Deployment').length === 0) errors.push('no Deployment rendered');
  problems += errors.length;
  console.log(`manifests ${overlay}: ${docs.length} objects, ${errors.length ? errors.join('; ') : 'ok'}`);
}
process.exit(problems ? 1 : 0);
