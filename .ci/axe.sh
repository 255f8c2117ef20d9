#!/usr/bin/env bash
# The axe-core accessibility engine for tests/test_reports_browser.py (npm package, kept in the
# git-ignored tests/.node; the test skips with a reason when it is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --prefix tests/.node --no-audit --no-fund --no-save --silent axe-core@4
test -f tests/.node/node_modules/axe-core/axe.min.js
echo "axe-core $(node -p "require('./tests/.node/node_modules/axe-core/package.json').version") in tests/.node"
