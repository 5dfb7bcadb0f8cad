#!/usr/bin/env bash
# Installs Neovim from Debian's `neovim` package, for tests/editor_neovim.rs: a real editor,
# headless, whose built-in LSP client talks to `statuslint server`. Needs root (CI runs
# .ci/run as root); does nothing when `nvim` is already on the PATH.
set -euo pipefail

if command -v nvim >/dev/null; then
    echo "install-editor: $(nvim --version | head -1) is already installed"
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends neovim >/dev/null
echo "install-editor: installed $(nvim --version | head -1)"
