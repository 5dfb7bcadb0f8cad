// Runs every call of data/apis/javascript.toml inside a handler of its real framework and
// prints what the framework sent, one JSON object per line:
//     {"call": ..., "framework": ..., "status": 302, "headers": ["location", ...]}
// tests/node_frameworks.rs passes the table's entries as JSON in argv[1] and runs this with
// `node --input-type=module` in .cache/node (scripts/install-node-frameworks.sh), so that
// the packages resolve from there. Also prints the constants' names as
// {"constants": module, "names": {NAME: code}} and error classes as
// {"errors": framework, "classes": {Name: code}}, and the methods each export of a route
// module answers as {"exports": framework, "methods": {export: [METHOD]}}, and the arities
// of functions Express renders errors with as {"error_middleware": "express", "arities": [4]}.
import { createRequire } from "node:module";
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(join(process.cwd(), "noop.js"));
const entries = JSON.parse(process.argv[1]);

function report(entry, framework, status, headers) {
  console.log(JSON.stringify({
    call: entry.call,
    framework,
    status,
    headers: [...new Set([...headers].map((h) => h.toLowerCase()))].sort(),
  }));
}

// Evaluates a probe with the framework's names in scope (a function body).
function compile(probe, names) {
  const body = /^\s*(return|throw)\b/.test(probe) ? probe : `return (() => { ${probe} })()`;
  return new Function(...Object.keys(names), `"use strict"; ${body}`).bind(null, ...Object.values(names));
}

async function fetchOnce(server) {
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  try {
    const r = await fetch(`http://127.0.0.1:${port}/`, { redirect: "manual" });
    await r.arrayBuffer();
    return r;
  } finally {
    server.close();
  }
}

async function express(framework, module, list) {
  const make = require(module);
  for (const entry of list) {
    const app = make();
    const f = new Function("req", "res", "next", entry.probe);
    app.get("/", (req, res, next) => {
      try {
        f(req, res, next);
      } catch (e) {
        next(e);
      }
    });
    const r = await fetchOnce(createServer(app));
    report(entry, framework, r.status, r.headers.keys());
  }
}

// Which functions Express calls with an error: for each arity, whether a function of it
// registered after a failing route answers, with the error first and the response third.
async function errorMiddleware(module) {
  const make = require(module);
  const rendering = [];
  for (let arity = 2; arity <= 5; arity++) {
    const app = make();
    app.get("/", (req, res, next) => next(Object.assign(new Error("no"), { status: 401 })));
    const params = Array.from({ length: arity }, (_, i) => `p${i}`);
    app.use(new Function(...params, "const [err, , res] = arguments; res.status(418).set('x-error', String(err.status)).end();"));
    const r = await fetchOnce(createServer(app));
    if (r.status === 418 && r.headers.get("x-error") === "401") rendering.push(arity);
  }
  console.log(JSON.stringify({ error_middleware: "express", module, arities: rendering, error: 0, writer: 2 }));
}

async function nextApi(list) {
  const { apiResolver } = require("next/dist/server/api-utils/node/api-resolver");
  for (const entry of list) {
    const handler = new Function("req", "res", entry.probe);
    const server = createServer((req, res) =>
      apiResolver(req, res, {}, { default: handler }, {
        previewModeId: "", previewModeEncryptionKey: "", previewModeSigningKey: "",
        multiZoneDraftMode: false, dev: false,
      }, false, false, "/api/probe"),
    );
    const r = await fetchOnce(server);
    report(entry, "next-api", r.status, r.headers.keys());
  }
}

// Vercel functions: @vercel/node adds its helpers (`res.status`, `res.redirect`, `res.json`)
// to Node's response before it calls the function. They are read from the package's own
// bundle (vercel-node/, unpacked by the install script) with the modules they import.
async function vercel(list) {
  const { readFileSync } = await import("node:fs");
  const bundle = readFileSync("vercel-node/package/dist/dev-server.mjs", "utf8");
  const start = bundle.indexOf("// src/serverless-functions/helpers.ts");
  const end = bundle.indexOf("// src/serverless-functions/serverless-handler.mts");
  const helpers = bundle
    .slice(start, end)
    .replace(/^import .*$/gm, "")
    .replace("var import_content_type = __toESM(require_content_type());", "const import_content_type = require_content_type();");
  const { PassThrough } = await import("node:stream");
  const { parse: parseQS } = await import("node:querystring");
  const addHelpers = new Function(
    "require_content_type", "require_cookie", "etag", "PassThrough", "parseQS",
    `${helpers}; return addHelpers;`,
  )(() => require("content-type"), () => require("cookie"), require("etag"), PassThrough, parseQS);
  for (const entry of list) {
    const handler = new Function("req", "res", entry.probe);
    const server = createServer(async (req, res) => {
      await addHelpers(req, res);
      handler(req, res);
    });
    const r = await fetchOnce(server);
    report(entry, "vercel", r.status, r.headers.keys());
  }
}

async function koa(list) {
  const Koa = require("koa");
  for (const entry of list) {
    const app = new Koa();
    app.silent = true;
    const f = new Function("ctx", entry.probe);
    app.use(async (ctx) => f(ctx));
    const r = await fetchOnce(createServer(app.callback()));
    report(entry, "koa", r.status, r.headers.keys());
  }
}

async function fastify(list) {
  const Fastify = require("fastify");
  for (const entry of list) {
    const app = Fastify();
    const f = new Function("request", "reply", entry.probe);
    app.get("/", async (request, reply) => f(request, reply));
    const r = await app.inject({ method: "GET", url: "/" });
    report(entry, "fastify", r.statusCode, Object.keys(r.headers));
  }
}

async function hono(list) {
  const { Hono } = require("hono");
  const { HTTPException } = require("hono/http-exception");
  for (const entry of list) {
    const app = new Hono();
    const f = new Function("c", "HTTPException", entry.probe);
    app.get("/", (c) => f(c, HTTPException));
    const r = await app.request("/");
    report(entry, "hono", r.status, r.headers.keys());
  }
}

// Functions that answer by returning a Response, or by throwing what the framework turns
// into one (Next.js `redirect`, SvelteKit `error`).
async function returned(framework, names, list, thrown) {
  for (const entry of list) {
    let value;
    try {
      value = await compile(entry.probe, names)();
    } catch (e) {
      value = thrown(e);
    }
    // React Router's `data(..)` is a value with its init, not a Response.
    const status = value.status ?? value.init?.status;
    report(entry, framework, status, value.headers ? value.headers.keys() : []);
  }
}

async function nest(list) {
  require("reflect-metadata");
  const common = require("@nestjs/common");
  const { NestFactory } = require("@nestjs/core");
  for (const entry of list) {
    const decorator = entry.probe.startsWith("@");
    class ProbeController {
      probe() {
        if (!decorator) compile(entry.probe, common)();
        return "made";
      }
    }
    const descriptor = Object.getOwnPropertyDescriptor(ProbeController.prototype, "probe");
    const applied = decorator ? [compile(`return ${entry.probe.slice(1)}`, common)()] : [];
    Reflect.decorate([common.Get(), ...applied], ProbeController.prototype, "probe", descriptor);
    Reflect.decorate([common.Controller()], ProbeController);
    class ProbeModule {}
    Reflect.decorate([common.Module({ controllers: [ProbeController] })], ProbeModule);
    const app = await NestFactory.create(ProbeModule, { logger: false });
    await app.init();
    const r = await fetchOnce(createServer(app.getHttpAdapter().getInstance()));
    report(entry, "nest", r.status, r.headers.keys());
    await app.close();
  }
}

const of = (framework) => entries.filter((e) => e.frameworks.includes(framework));
await express("express", "express", of("express"));
await express("express", "express4", of("express"));
await errorMiddleware("express");
await errorMiddleware("express4");
await nextApi(of("next-api"));
await vercel(of("vercel"));
await koa(of("koa"));
await fastify(of("fastify"));
await hono(of("hono"));

const createError = require("http-errors");
for (const entry of of("http-errors")) {
  const err = compile(`return ${entry.probe}`, { createError })();
  report(entry, "http-errors", err.status, []);
}
await returned("fetch", {}, of("fetch"), (e) => { throw e; });

const nextServer = require("next/server");
const navigation = require("next/navigation");
await returned("next", { ...nextServer, ...navigation }, of("next"), (e) => {
  // `NEXT_REDIRECT;replace;/next;307;` and `NEXT_HTTP_ERROR_FALLBACK;404`.
  const parts = String(e.digest).split(";");
  const status = Number(parts[0] === "NEXT_REDIRECT" ? parts[3] : parts[1]);
  return { status, headers: new Map(parts[0] === "NEXT_REDIRECT" ? [["location", parts[2]]] : []) };
});

const kit = await import(pathToFileURL(join(process.cwd(), "node_modules/@sveltejs/kit/src/exports/index.js")));
await returned("sveltekit", kit, of("sveltekit"), (e) => ({
  status: e.status,
  headers: new Map(e.location ? [["location", e.location]] : []),
}));
const rr = require("react-router");
await returned("remix", rr, of("remix"), (e) => { throw e; });
// The export of a route module that answers each method, as React Router's own request
// handler calls them (after an action it runs the loaders again: the first call answers).
const answered = {};
for (const method of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
  let first;
  const mark = (name) => () => { first ??= name; return null; };
  const handler = rr.createStaticHandler([{ id: "probe", path: "/", loader: mark("loader"), action: mark("action") }]);
  await handler.query(new Request("http://localhost/", { method }));
  if (first) (answered[first] ??= []).push(method);
}
console.log(JSON.stringify({ exports: "remix", methods: answered }));
await nest(of("nest"));

console.log(JSON.stringify({ constants: "http-status-codes", names: require("http-status-codes").StatusCodes }));
console.log(JSON.stringify({ constants: "@nestjs/common", names: require("@nestjs/common").HttpStatus }));
const httpStatus = (await import(pathToFileURL(require.resolve("http-status")))).default;
console.log(JSON.stringify({ constants: "http-status", names: httpStatus.default ?? httpStatus }));
const nestErrors = {};
for (const [name, value] of Object.entries(require("@nestjs/common"))) {
  if (name.endsWith("Exception") && typeof value === "function") {
    try { nestErrors[name] = new value().getStatus(); } catch {}
  }
}
console.log(JSON.stringify({ errors: "nest", classes: nestErrors }));
const httpErrors = {};
for (const [name, value] of Object.entries(createError)) {
  if (/^[A-Z]/.test(name) && value.prototype && value.prototype.status) httpErrors[name] = value.prototype.status;
}
console.log(JSON.stringify({ errors: "http-errors", classes: httpErrors }));
