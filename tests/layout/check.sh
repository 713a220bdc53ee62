#!/usr/bin/env bash
# tests/layout/check.sh: the rules of docs/architecture.md that a reader of
# the tree can check, checked. Run from the repository root; exits 1 with a
# line per breach.
#   - engine/ never prints, exits, aborts or reads the environment;
#   - cli/ includes no private engine header (only gavel.h and its own);
#   - no .c file in engine/ or cli/ is over 1,000 lines;
#   - no function in engine/ or cli/ is over 80 lines, unless a comment
#     starting "Long:" in the three lines above it says why;
#   - no tracked file points outside the repository.
set -uo pipefail
bad=0
breach() { echo "layout: $*"; bad=1; }

# The library is quiet: output and exits belong to the CLI.
while IFS= read -r hit; do
  breach "engine/ must not print, exit or read the environment: $hit"
done < <(grep -nE '\b(printf|fprintf|puts|fputs|putchar|perror|exit|_exit|abort|getenv|secure_getenv)[[:space:]]*\(' \
           engine/*.c engine/*.h engine/include/*.h | grep -vE 'snprintf|vsnprintf|gv_buf_printf|^\S+:[0-9]+:\s*(\*|/\*|//)')

# The CLI sees only the public header.
for f in cli/*.c cli/*.h; do
  for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
    [ "$h" = gavel.h ] || [ -f "cli/$h" ] ||
      breach "$f includes \"$h\", which is not gavel.h or a cli/ header"
  done
done

# Files a reader can hold in mind.
for f in engine/*.c cli/*.c; do
  n=$(wc -l <"$f")
  [ "$n" -le 1000 ] || breach "$f has $n lines (at most 1,000)"
done

# Short functions: a definition starts at column 0 with a name and '(' and no
# ';', and ends at the first '}' at column 0.
long=$(for f in engine/*.c cli/*.c; do
  awk -v F="$f" '
    { line[NR] = $0 }
    /^[A-Za-z_][A-Za-z0-9_ \*]*[A-Za-z0-9_\*]+\(/ && !/;[[:space:]]*$/ && !start { start = NR; name = $0 }
    /^}/ && start {
      n = NR - start
      if (n > 80) {
        why = 0
        for (k = start - 3; k < start; k++) if (k > 0 && line[k] ~ /Long:/) why = 1
        if (!why) printf "layout: %s:%d: a function of %d lines with no \"Long:\" comment: %s\n", F, start, n, substr(name, 1, 60)
      }
      start = 0
    }' "$f"
done)
[ -z "$long" ] || { echo "$long"; bad=1; }

# A clone has nothing beside it.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  out=$(git grep -lE '\.\./share[d]|/wor[k]/' -- . ':!*.png' 2>/dev/null)
  [ -z "$out" ] || breach "tracked files point outside the repository: $(echo $out)"
fi

[ $bad -eq 0 ] && echo "layout: ok"
exit $bad
