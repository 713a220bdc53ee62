#!/bin/sh
# bench/gen-id.sh: eight hex digits naming what bench/gen.py writes: a digest
# of the generator and of the word lists it plants (bench/lexicons.py reads
# them from bench/policy). bench/run.sh and bench/scale/run.sh name their
# cached data sets with it, so a changed generator never reuses old data.
cd "$(dirname "$0")" &&
cat gen.py lexicons.py policy/incitement.txt policy/separatism.txt policy/violence.txt policy/rules.lua |
    sha256sum | cut -c1-8
