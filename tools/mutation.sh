#!/usr/bin/env bash
# Mutation testing (Stryker 9 with its vitest runner), outside CI: `npm run mutation`
# [-- finance|platform|messaging]. Each target library has its own stryker.config.json naming
# the files it mutates; the HTML/JSON reports land in <lib>/reports/mutation/. Needs the local
# PostgreSQL/Redis/NATS (some suites use them). Slow: tens of minutes on this 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/local-stack.sh >/dev/null
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(finance platform messaging)
for lib in "${targets[@]}"; do
  echo "== mutation testing libs/$lib"
  (cd "libs/$lib" && npx stryker run stryker.config.json)
done
