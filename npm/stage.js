#!/usr/bin/env node
// Stages the npm package that carries the statuslint binary for one platform:
//   node npm/stage.js <platform> <binary> <out-dir>
// e.g. `node npm/stage.js linux-x64 target/release/statuslint target/npm` writes
// target/npm/linux-x64/ (package.json, bin/statuslint, README.md), ready for `npm pack`
// or `npm publish`. Its name, version and platforms come from the launcher's package.json.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const launcher = require("./statuslint/package.json");
const SCOPE = "@statuslint/";

function main([platform, binary, outDir]) {
  if (!platform || !binary || !outDir) {
    throw new Error("usage: node npm/stage.js <platform> <binary> <out-dir>");
  }
  const name = SCOPE + platform;
  const pinned = launcher.optionalDependencies[name];
  if (pinned === undefined) {
    const known = Object.keys(launcher.optionalDependencies).join(", ");
    throw new Error(`${name} is not among the launcher's optionalDependencies (${known})`);
  }
  if (pinned !== launcher.version) {
    throw new Error(`the launcher ${launcher.version} pins ${name} at ${pinned}`);
  }
  const [os, cpu] = platform.split("-");
  const executable = os === "win32" ? "statuslint.exe" : "statuslint";
  const dir = path.join(outDir, platform);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
  fs.copyFileSync(binary, path.join(dir, "bin", executable));
  fs.chmodSync(path.join(dir, "bin", executable), 0o755);
  const manifest = {
    name,
    version: launcher.version,
    description: `The statuslint binary for ${platform} (installed by the statuslint package)`,
    license: launcher.license,
    os: [os],
    cpu: [cpu],
    files: [`bin/${executable}`],
    preferUnplugged: true,
  };
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
  fs.writeFileSync(
    path.join(dir, "README.md"),
    `# ${name}\n\nThe statuslint binary for ${platform}. Install \`statuslint\`, not this: ` +
      "it picks the package for your platform.\n",
  );
  console.log(dir);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(`stage.js: ${error.message}`);
  process.exit(2);
}
