#!/usr/bin/env bash
# Fetches the real nginx, Apache, Caddy and HAProxy from Debian's packages and unpacks them
# into .cache/servers/root (never installed system-wide, never started). tests/real_servers.rs
# uses them to check that every server-config fixture is a config the software accepts.
# Shared libraries the machine lacks are unpacked beside them (see `env.sh` in the cache).
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${STATUSLINT_SERVERS:-$PWD/.cache/servers}"
ROOT="$CACHE/root"
DEBS="$CACHE/debs"
PACKAGES=(nginx-core apache2 apache2-bin apache2-data caddy haproxy)
# The test makes a throwaway certificate for `listen ... ssl` with the openssl command.
command -v openssl >/dev/null || PACKAGES+=(openssl)
BINARIES=(usr/sbin/nginx usr/sbin/apache2 usr/bin/caddy usr/sbin/haproxy)

already_there() {
    for b in "${BINARIES[@]}"; do [[ -x "$ROOT/$b" ]] || return 1; done
    [[ -f "$CACHE/env.sh" ]]
}

if already_there; then
    echo "install-servers: already unpacked in $ROOT"
    exit 0
fi

mkdir -p "$ROOT" "$DEBS"
# apt drops privileges to _apt while downloading; let it write here.
chmod 0777 "$DEBS"
if [[ -z "$(apt-cache policy nginx-core 2>/dev/null | grep 'Candidate: [0-9]')" ]]; then
    apt-get update -qq
fi

# Every package the servers need that is not installed here: the servers and their
# (recursive) hard dependencies, less what dpkg already has.
missing_dependencies() {
    apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
        --no-breaks --no-replaces --no-enhances "${PACKAGES[@]}" 2>/dev/null |
        grep -E '^[a-z0-9]' | sort -u |
        while read -r pkg; do
            status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
            [[ "$status" == *"install ok installed"* ]] || echo "$pkg"
        done
}

mapfile -t WANTED < <({ printf '%s\n' "${PACKAGES[@]}"; missing_dependencies; } | sort -u)
# Virtual packages and ones with no candidate cannot be downloaded; skip them quietly.
mapfile -t DOWNLOADABLE < <(apt-cache policy "${WANTED[@]}" 2>/dev/null |
    awk '/^[^ ].*:$/ { pkg = substr($1, 1, length($1) - 1) }
         /Candidate: [0-9]/ { print pkg }')

echo "install-servers: downloading ${#DOWNLOADABLE[@]} packages"
(cd "$DEBS" && apt-get download -qq "${DOWNLOADABLE[@]}")
for deb in "$DEBS"/*.deb; do
    dpkg -x "$deb" "$ROOT"
done

# Library folders inside the cache, for the servers' own shared libraries.
LIBS=$(find "$ROOT" -name '*.so*' -printf '%h\n' 2>/dev/null | sort -u | paste -sd: -)
cat > "$CACHE/env.sh" <<ENV
export STATUSLINT_SERVERS_ROOT="$ROOT"
export LD_LIBRARY_PATH="$LIBS\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
ENV

# Check that every binary finds its libraries.
status=0
for b in "${BINARIES[@]}"; do
    if [[ ! -x "$ROOT/$b" ]]; then
        echo "install-servers: $b is missing after unpacking" >&2
        status=1
        continue
    fi
    missing=$(LD_LIBRARY_PATH="$LIBS" ldd "$ROOT/$b" 2>&1 | grep 'not found' || true)
    if [[ -n "$missing" ]]; then
        echo "install-servers: $b lacks libraries:" >&2
        echo "$missing" >&2
        status=1
    fi
done
[[ $status == 0 ]] && echo "install-servers: nginx, apache2, caddy and haproxy unpacked in $ROOT"
exit $status
