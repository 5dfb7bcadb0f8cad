#!/usr/bin/env bash
# Installs the Node web frameworks whose spellings data/apis/javascript.toml describes into
# .cache/node, for tests/node_frameworks.rs to check the table against by running each API
# under Node. Pinned versions; npm is the only network access. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.cache/node
mkdir -p "$dir"
if [ ! -f "$dir/package.json" ]; then
    echo '{"name": "statuslint-node-frameworks", "private": true}' >"$dir/package.json"
fi
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error --save-exact \
    express@5.3.0 express4@npm:express@4.21.2 \
    koa@3.3.0 @koa/router@15.7.0 \
    fastify@5.12.8 hono@4.13.19 \
    next@16.4.6 react@19.3.1 react-dom@19.3.1 \
    @nestjs/common@12.5.1 @nestjs/core@12.5.1 @nestjs/platform-express@12.5.1 \
    reflect-metadata@0.2.2 rxjs@7.8.2 \
    http-errors@2.0.1 http-status-codes@2.3.0 http-status@2.1.0 \
    @sveltejs/kit@3.2.0 react-router@8.5.3
node -e 'for (const m of ["express", "express4", "koa", "fastify", "hono", "next/server", "@nestjs/common", "http-errors", "http-status-codes", "react-router"]) require(require.resolve(m, { paths: [process.argv[1]] }))' "$PWD/$dir"
# @vercel/node bundles its dev server and the helpers it adds to a function's `res`
# (`res.redirect`) into one file; its dependencies are a build toolchain the probe does not
# need, so only the package itself is fetched and unpacked.
if [ ! -f "$dir/vercel-node/package/dist/dev-server.mjs" ]; then
    mkdir -p "$dir/vercel-node"
    (cd "$dir/vercel-node" && npm pack --silent @vercel/node@5.10.2 >/dev/null && tar xzf vercel-node-5.10.2.tgz)
fi
echo "node frameworks ready in $dir"
