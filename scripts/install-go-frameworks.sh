#!/usr/bin/env bash
# Installs Go and the Go web frameworks Debian packages (gin, echo, chi, gorilla/mux), whose
# sources land in /usr/share/gocode. tests/go_frameworks.rs builds small programs against
# them in GOPATH mode (no module proxy, no network) to check data/apis/go.toml.
# Fiber is not packaged by Debian: its defaults are cited from its documentation instead.
set -euo pipefail

PACKAGES=(golang-go golang-github-gin-gonic-gin-dev golang-github-labstack-echo-dev
    golang-github-go-chi-chi-dev golang-github-gorilla-mux-dev)

installed() {
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || return 1
    done
}

if installed; then
    echo "install-go-frameworks: already installed"
    exit 0
fi
if [[ -z "$(apt-cache policy golang-github-gin-gonic-gin-dev 2>/dev/null | grep 'Candidate: [0-9]')" ]]; then
    apt-get update -qq
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
echo "install-go-frameworks: $(go version)"
