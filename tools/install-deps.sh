#!/usr/bin/env bash
# Installs the Debian packages gavel needs, if missing: to build and run it,
# or with --test also everything the whole test suite uses.
# Run as root, or as a user who can sudo.
set -euo pipefail
pkgs=(build-essential cmake pkg-config liblua5.4-dev libyaml-dev libcmocka-dev
      nettle-dev libutf8proc-dev libmicrohttpd-dev python3 python3-yaml)
if [ "${1:-}" = --test ]; then
  pkgs+=(chromium fonts-dejavu-core    # the report's screenshot test
         python3-distributed python3-pip python3-setuptools python3-wheel  # binding, Dask
         groff-base                    # man page lint
         clang                         # libFuzzer harnesses (make test-fuzz)
         valgrind                      # make memcheck
         wrk)                          # make bench-serve
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
