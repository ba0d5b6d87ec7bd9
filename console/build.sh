#!/usr/bin/env bash
# Builds the console bundle into server/src/main/resources/console from console/src and the exact packages of
# package-lock.json (npm ci), after the console's own unit tests (node --test). Needs Node 20 and npm; the Maven
# build does not run this: it packs the committed bundle, which CI rebuilds and compares (.ci/run).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
node --test test/
node build.mjs
