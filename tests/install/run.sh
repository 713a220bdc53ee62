#!/usr/bin/env bash
# The install story, end to end (issue 7):
#   tests/install/run.sh BUILD_DIR
# installs BUILD_DIR into a temporary prefix, checks what landed where,
# builds examples/embed out of tree against the installed package twice
# (CMake find_package(gavel) and pkg-config), runs both on the quick-start
# accounts with 1, 3 and 8 threads, and checks every output equals the
# installed `gavel eval` on the same file. Then installs the Python binding
# from bindings/python with pip (offline) into the prefix and checks it
# decides the same, finding the library by the path recorded at install.
# Run from the repository root (ctest does).
set -euo pipefail
BUILD=$(cd "${1:?usage: tests/install/run.sh BUILD_DIR}" && pwd)
cd "$(dirname "$0")/../.."
SRC=$PWD
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: install: $*" >&2; exit 1; }
step() { echo "-- $*"; }

PREFIX=$TMP/prefix
step "cmake --install $BUILD --prefix $PREFIX"
cmake --install "$BUILD" --prefix "$PREFIX" >"$TMP/install.log" || { cat "$TMP/install.log" >&2; fail "install"; }

# What must be there, in the GNUInstallDirs places.
LIBDIR=$(dirname "$(find "$PREFIX" -name 'libgavel.so.0' | head -n1)")
[ -d "$LIBDIR" ] || fail "no libgavel.so.0 installed"
for f in "$PREFIX/bin/gavel" "$PREFIX/include/gavel.h" "$LIBDIR/libgavel.so" "$LIBDIR/libgavel.a" \
         "$LIBDIR/pkgconfig/gavel.pc" "$LIBDIR/cmake/gavel/gavelConfig.cmake" \
         "$LIBDIR/cmake/gavel/gavelConfigVersion.cmake" "$LIBDIR/cmake/gavel/gavelTargets.cmake"; do
  [ -e "$f" ] || fail "not installed: ${f#"$PREFIX"/}"
done
if [ -n "$(ls "$SRC"/docs/man/*.1 2>/dev/null)" ]; then
  [ -f "$PREFIX/share/man/man1/gavel.1" ] || fail "man page not installed"
  if command -v groff >/dev/null; then
    warn=$(groff -man -Tutf8 -ww -z "$PREFIX/share/man/man1/gavel.1" 2>&1) || true
    [ -z "$warn" ] || fail "gavel.1 has roff warnings: $warn"
  fi
fi
soname=$(objdump -p "$LIBDIR/libgavel.so" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = libgavel.so.0 ] || fail "SONAME is '$soname', expected libgavel.so.0"
# Only the public API is exported.
extra=$(nm -D --defined-only "$LIBDIR/libgavel.so" | awk '{ print $3 }' | grep -v '^gavel_' || true)
[ -z "$extra" ] || fail "libgavel.so exports more than gavel_*: $(tr '\n' ' ' <<<"$extra")"
grep -q '^#include' "$PREFIX/include/gavel.h" || fail "gavel.h looks empty"
! grep -q '#include "' "$PREFIX/include/gavel.h" || fail "gavel.h includes a private header"

export LD_LIBRARY_PATH=$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
Q=examples/quickstart
step "installed gavel eval: the reference"
"$PREFIX/bin/gavel" eval -p $Q/policy --as-of 2021-02-04 $Q/accounts.jsonl >"$TMP/expected" \
  || fail "installed gavel eval failed"
[ "$(wc -l <"$TMP/expected")" -eq 20 ] || fail "expected 20 decisions"

step "examples/embed with CMake find_package(gavel)"
cmake -S examples/embed -B "$TMP/embed-cmake" -DCMAKE_PREFIX_PATH="$PREFIX" \
  -DCMAKE_BUILD_TYPE=Release >"$TMP/cmake.log" 2>&1 || { cat "$TMP/cmake.log" >&2; fail "configure with find_package"; }
cmake --build "$TMP/embed-cmake" >>"$TMP/cmake.log" 2>&1 || { cat "$TMP/cmake.log" >&2; fail "build with find_package"; }

step "examples/embed with pkg-config"
mkdir -p "$TMP/embed-make"
PKG_CONFIG_PATH="$LIBDIR/pkgconfig" make -s -C examples/embed O="$TMP/embed-make" \
  >"$TMP/make.log" 2>&1 || { cat "$TMP/make.log" >&2; fail "build with pkg-config"; }
[ ! -e examples/embed/embed ] || fail "the pkg-config build wrote into the source tree"

for exe in "$TMP/embed-cmake/embed" "$TMP/embed-make/embed"; do
  # The program must run on the installed library, not on the build tree's.
  deps=$(ldd "$exe")
  grep -q "libgavel.so.0 => $LIBDIR/" <<<"$deps" || fail "$exe does not load the installed libgavel: $(grep gavel <<<"$deps")"
  for j in 1 3 8; do
    "$exe" -j $j --as-of 2021-02-04 $Q/policy $Q/accounts.jsonl >"$TMP/got" || fail "$exe -j $j exited $?"
    diff -u "$TMP/expected" "$TMP/got" >&2 || fail "$exe -j $j differs from gavel eval"
  done
  echo "   ${exe#"$TMP"/}: same decisions as gavel eval with 1, 3 and 8 threads"
done

# The s.69A example, written only against the installed header: the order
# of 4 February as the context, 1,178 accounts, the same decisions as the CLI.
step "examples/embed on the s.69A example"
F=examples/farmers-protest
"$PREFIX/bin/gavel" eval -p rules/in-it-act-69a --context $F/order-2021-02-04.yaml \
  $F/accounts-1178.jsonl >"$TMP/s69a.expected" || fail "gavel eval on the s.69A example"
[ "$(wc -l <"$TMP/s69a.expected")" -eq 1178 ] || fail "expected 1178 decisions"
"$TMP/embed-make/embed" -j 2 --context $F/order-2021-02-04.yaml rules/in-it-act-69a \
  $F/accounts-1178.jsonl >"$TMP/s69a.got" || fail "embed on the s.69A example exited $?"
diff -u "$TMP/s69a.expected" "$TMP/s69a.got" >&2 || fail "embed differs from gavel eval on the s.69A example"
echo "   embed: the s.69A example's 1178 decisions equal gavel eval's"

# The complete short example of docs/embedding.md, built from the page itself.
step "the example in docs/embedding.md"
awk '/^```c$/ { f = 1; next } /^```$/ { if (f) exit } f' docs/embedding.md >"$TMP/decide.c"
cc -std=c11 -Wall -Wextra -Werror $(PKG_CONFIG_PATH="$LIBDIR/pkgconfig" pkg-config --cflags gavel) \
  -o "$TMP/decide" "$TMP/decide.c" $(PKG_CONFIG_PATH="$LIBDIR/pkgconfig" pkg-config --libs gavel) \
  || fail "the docs/embedding.md example does not build"
"$TMP/decide" $Q/policy $Q/accounts.jsonl >"$TMP/decide.out" || fail "the docs example exited $?"
[ "$(wc -l <"$TMP/decide.out")" -eq 20 ] || fail "the docs example printed $(wc -l <"$TMP/decide.out") lines"
for id in acc001 acc003; do
  line=$(grep "^$id " "$TMP/decide.out")
  grep -qxF -- "$line" docs/embedding.md || fail "docs/embedding.md does not show what the example prints: $line"
done

# Exit statuses follow gavel eval's: 1 when a record got on_error, 2 when it could not run.
printf '{"id":"ok"}\nnot json\n' >"$TMP/bad.jsonl"
"$TMP/embed-make/embed" --as-of 2021-02-04 $Q/policy "$TMP/bad.jsonl" >"$TMP/got" && st=0 || st=$?
"$PREFIX/bin/gavel" eval -p $Q/policy --as-of 2021-02-04 "$TMP/bad.jsonl" >"$TMP/expected-bad" || true
[ "$st" = 1 ] || fail "embed on a bad record exited $st, expected 1"
diff -u "$TMP/expected-bad" "$TMP/got" >&2 || fail "embed differs from gavel eval on a bad record"
"$TMP/embed-make/embed" /nonexistent/policy $Q/accounts.jsonl >/dev/null 2>"$TMP/err" && st=0 || st=$?
[ "$st" = 2 ] && grep -q 'nonexistent' "$TMP/err" || fail "embed on a missing policy: exit $st, $(cat "$TMP/err")"

# The Python binding, installed with pip offline, finding libgavel by the
# path recorded at install (GAVEL_LIBRARY at build time).
PY=""
for cand in python3 /usr/bin/python3; do
  if command -v "$cand" >/dev/null && "$cand" -c 'import setuptools, wheel' 2>/dev/null && "$cand" -m pip --version >/dev/null 2>&1; then
    PY=$cand; break
  fi
done
if [ -z "$PY" ]; then
  echo "-- skipped: pip install of bindings/python (no python3 with pip, setuptools and wheel)"
else
  step "pip install bindings/python with $PY"
  cp -r bindings/python "$TMP/pysrc"
  rm -rf "$TMP/pysrc/build" "$TMP/pysrc"/*.egg-info
  GAVEL_LIBRARY="$LIBDIR/libgavel.so.0" PIP_NO_INDEX=1 "$PY" -m pip install --no-build-isolation \
    --no-deps --no-index --disable-pip-version-check --root-user-action=ignore \
    --target "$TMP/site" "$TMP/pysrc" >"$TMP/pip.log" 2>&1 || { cat "$TMP/pip.log" >&2; fail "pip install"; }
  (cd "$TMP" && env -u GAVEL_LIBRARY LD_LIBRARY_PATH= PYTHONPATH="$TMP/site" "$PY" - "$SRC/$Q" "$LIBDIR" "$TMP/site" <<'PY'
import sys, gavel
q, libdir, site = sys.argv[1:4]
assert gavel.__file__.startswith(site + "/"), gavel.__file__
p = gavel.Policy(q + "/policy")
with open(q + "/accounts.jsonl") as f:
    for d in p.evaluate_many(f, as_of="2021-02-04"):
        print(d.to_json())
assert gavel.library_path() == libdir + "/libgavel.so.0", gavel.library_path()
PY
  ) >"$TMP/got" || fail "the pip-installed binding failed"
  diff -u "$TMP/expected" "$TMP/got" >&2 || fail "the pip-installed binding differs from gavel eval"
  echo "   the pip-installed binding: same decisions as gavel eval"
  (cd "$TMP" && env -u GAVEL_LIBRARY LD_LIBRARY_PATH= PYTHONPATH="$TMP/site" "$PY" - "$SRC" <<'PY'
import pathlib, sys, gavel
src = pathlib.Path(sys.argv[1])
f = src / "examples/farmers-protest"
p = gavel.Policy(str(src / "rules/in-it-act-69a"))
with open(f / "accounts-1178.jsonl") as lines:
    for d in p.evaluate_many(lines, context=f / "order-2021-02-04.yaml"):
        print(d.to_json())
PY
  ) >"$TMP/s69a.py" || fail "the binding on the s.69A example failed"
  diff -u "$TMP/s69a.expected" "$TMP/s69a.py" >&2 || fail "the binding differs from gavel eval on the s.69A example"
  echo "   the pip-installed binding: the s.69A example's decisions equal gavel eval's"
fi
echo "ok: install"
