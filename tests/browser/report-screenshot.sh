#!/usr/bin/env bash
# Renders `gavel report` on the quick-start decisions in headless Chromium
# and checks what a person would see: the page loads from disk with no
# network reference, its script runs without a console message (errors and
# uncaught exceptions included), the table and charts are in the DOM, and
# the screenshot is not blank: many distinct colours, with the outcome
# colours of the ring and cards among them.
#
#   report-screenshot.sh GAVEL_BIN   (from the repository root)
#
# Exit 77 (ctest SKIP_RETURN_CODE) when Chromium is not installed.
# GAVEL_SCREENSHOT=FILE keeps the screenshot (docs/report.png is made so).
set -uo pipefail
GAVEL_BIN=$1
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  echo "SKIP: chromium is not installed (Debian: apt-get install chromium)" >&2
  exit 77
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: report-screenshot: $*" >&2; exit 1; }

Q=examples/quickstart
"$GAVEL_BIN" eval -p $Q/policy --as-of 2021-02-04 -o "$WORK/decisions.jsonl" $Q/accounts.jsonl ||
  fail "gavel eval"
"$GAVEL_BIN" report "$WORK/decisions.jsonl" -p $Q/policy -o "$WORK/report.html" ||
  fail "gavel report"

# Self-contained: nothing for the browser to fetch.
if grep -Eqi '<(link|img|iframe|object|embed)\b|<script[^>]*\bsrc=|@import|url\(|https?://' \
     "$WORK/report.html"; then
  fail "the page references something outside itself"
fi

chrome() {   # chrome ARGS...: a fresh profile each time, no network services;
             # a second try when Chromium itself fails to start or times out
  local try rc=1
  for try in 1 2; do
    rm -rf "$WORK/profile"
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
      --disable-background-networking --disable-component-update --disable-sync \
      --no-first-run --no-default-browser-check --user-data-dir="$WORK/profile" \
      --enable-logging=stderr --v=0 "$@" "file://$WORK/report.html" && return 0
    rc=$?
    echo "chromium exited $rc (try $try)" >&2
  done
  return $rc
}

chrome --dump-dom >"$WORK/dom.html" 2>"$WORK/dom.err" || { cat "$WORK/dom.err" >&2; fail "chromium --dump-dom"; }
if grep -E 'CONSOLE|Uncaught' "$WORK/dom.err" >&2; then
  fail "the page wrote to the console"
fi
grep -q '20 of 20 shown' "$WORK/dom.html" || fail "the table script did not run (no '20 of 20 shown')"
[ "$(grep -o '<tr data-decision=' "$WORK/dom.html" | wc -l)" -eq 20 ] || fail "the table lacks rows"
grep -q 'Determining rules' "$WORK/dom.html" || fail "no chart of determining rules"
grep -q 'x.news_media' "$WORK/dom.html" || fail "no rule ids in the page"

chrome --screenshot="$WORK/shot.png" --window-size=1280,2000 --hide-scrollbars \
  --run-all-compositor-stages-before-draw --virtual-time-budget=3000 >"$WORK/shot.out" 2>"$WORK/shot.err" ||
  { cat "$WORK/shot.err" >&2; fail "chromium --screenshot"; }
[ -s "$WORK/shot.png" ] || fail "no screenshot"
if grep -E 'CONSOLE|Uncaught' "$WORK/shot.err" >&2; then
  fail "the page wrote to the console"
fi

python3 - "$WORK/shot.png" <<'PY' || fail "the screenshot looks blank"
import struct, sys, zlib

def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
    bpp = 4 if ctype == 6 else 3
    raw, stride = zlib.decompress(idat), w * bpp
    prev, rows, i = bytearray(stride), [], 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows

w, h, bpp, rows = pixels(sys.argv[1])
colours, counts = set(), {}
for row in rows[::2]:
    for x in range(0, len(row), bpp * 2):
        px = row[x:x + 3]
        colours.add(px)
        counts[px] = counts.get(px, 0) + 1
top = max(counts.values()) / sum(counts.values())
print(f"screenshot {w}x{h}: {len(colours)} colours, the commonest covers {top:.0%}")
assert len(colours) > 200, "too few colours"
assert top < 0.9, "one colour covers the page"
def near(rgb):
    return any(sum(abs(p - q) for p, q in zip(px, rgb)) < 30 for px in colours)
for name, rgb in (("withhold red", (0xdc, 0x26, 0x26)), ("keep green", (0x16, 0xa3, 0x4a)),
                  ("review amber", (0xd9, 0x77, 0x06)), ("provision indigo", (0x4f, 0x46, 0xe5))):
    assert near(rgb), f"no {name} in the screenshot"
PY
if [ -n "${GAVEL_SCREENSHOT:-}" ]; then cp "$WORK/shot.png" "$GAVEL_SCREENSHOT"; fi
echo "ok: report renders in $("$CHROMIUM" --version 2>/dev/null | head -1)"
