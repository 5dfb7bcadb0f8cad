#!/usr/bin/env node
// Runs the statuslint binary from the package built for this platform. npm installs only
// the one of the optionalDependencies whose `os` and `cpu` match, as biome and oxlint do.
"use strict";

const { spawnSync } = require("node:child_process");
const { optionalDependencies } = require("../package.json");

const SCOPE = "@statuslint/";
const platform = `${process.platform}-${process.arch}`;
const supported = Object.keys(optionalDependencies).map((name) => name.slice(SCOPE.length));

function fail(lines) {
  process.stderr.write(lines.map((line) => `statuslint: ${line}\n`).join(""));
  process.exit(2);
}

if (!supported.includes(platform)) {
  fail([
    `no prebuilt binary for this platform (${platform}).`,
    `npm packages exist for ${supported.join(", ")}.`,
    "Elsewhere, build it from source with a Rust toolchain: cargo install statuslint",
  ]);
}

const executable = process.platform === "win32" ? "statuslint.exe" : "statuslint";
let binary;
try {
  binary = require.resolve(`${SCOPE}${platform}/bin/${executable}`);
} catch {
  fail([
    `the package ${SCOPE}${platform}, which holds the binary for this platform, is not installed.`,
    "npm leaves it out when optional dependencies are skipped (--omit=optional, --no-optional)",
    "or when node_modules was installed on another platform. Reinstall statuslint here.",
  ]);
}

const run = spawnSync(binary, process.argv.slice(2), { stdio: "inherit" });
if (run.error) {
  fail([`could not run ${binary}: ${run.error.message}`]);
}
if (run.signal) {
  process.kill(process.pid, run.signal);
}
process.exit(run.status ?? 2);
