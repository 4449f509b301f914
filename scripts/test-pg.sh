#!/usr/bin/env bash
# `npm run test:pg`: the whole suite on a throwaway PostgreSQL cluster (started here, removed on exit).
# Extra arguments go to mocha (e.g. a spec glob).
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/pg-test-server.sh start)"
trap 'scripts/pg-test-server.sh stop "$KOOGATE_PG_DIR"' EXIT
npx mocha "$@"
