# Option syntax, the same in every command (getopt_long's conventions):
# --opt=VALUE, --opt VALUE, -oVALUE, -o VALUE, clustered flags, '--' before
# operands, '-' for stdin. Each form gives the same output as the canonical
# one; a missing value or an unknown option is a usage error (exit 2).
Q=examples/quickstart
W=$(workdir)
keep() { cp "$W/out" "$W/$1"; }
same_as() { diff -u "$W/$1" "$W/out" >&2 || fail "stdout differs from $1 ($2)"; }
stderr_lacks() { ! grep -qF -- "$1" "$W/err" || fail "stderr has: $1"; }

# eval: --format, -f, values attached or apart; --jobs and -j likewise.
gavel eval -p $Q/policy --as-of 2021-02-04 --format table -j 1 $Q/accounts.jsonl
status 0
stdout_has "acc001"
keep table
for form in "--format=table" "-ftable" "-f table"; do
  # shellcheck disable=SC2086
  gavel eval -p $Q/policy --as-of 2021-02-04 $form -j 1 $Q/accounts.jsonl
  status 0
  same_as table "$form"
done
for form in "--jobs=2" "-j2" "-j 2" "--jobs 2"; do
  # shellcheck disable=SC2086
  gavel eval -p $Q/policy --as-of 2021-02-04 -f table $form $Q/accounts.jsonl
  status 0
  same_as table "$form"
done
# A cluster: -q and -j2, then -p with its value attached, --as-of=DATE.
gavel eval -qj2 -p$Q/policy --as-of=2021-02-04 -ftable $Q/accounts.jsonl
status 0
same_as table "-qj2 -pDIR --as-of=DATE"
# '--' ends the options; '-' is stdin; options may follow operands.
gavel eval -f table -p $Q/policy --as-of 2021-02-04 -- $Q/accounts.jsonl
status 0
same_as table "-- INPUT"
gavel_stdin $Q/accounts.jsonl eval -f table - -p $Q/policy --as-of 2021-02-04
status 0
same_as table "- (stdin) before the options"
# After '--' a name that looks like an option is an operand (a file).
gavel eval -p $Q/policy --as-of 2021-02-04 -- --no-such-file
status 2
stderr_has "--no-such-file"
stderr_lacks "unknown option"

# --summary (text) and --summary=json, both on stderr.
gavel eval -p $Q/policy --as-of 2021-02-04 --summary $Q/accounts.jsonl
status 0
stderr_has "20 records"
gavel eval -p $Q/policy --as-of 2021-02-04 --summary=json $Q/accounts.jsonl
status 0
stderr_has '{"records":20,'
gavel eval -p $Q/policy --as-of 2021-02-04 --summary=xml $Q/accounts.jsonl
status 2
stderr_has "unknown option '--summary=xml' (see 'gavel eval --help')"

# Usage errors: a value missing at the end, an unknown option (long, short,
# inside a cluster), a value given to a flag.
gavel eval -p $Q/policy $Q/accounts.jsonl -f
status 2
stderr_has "gavel: -f needs a value"
gavel eval -p $Q/policy $Q/accounts.jsonl --format
status 2
stderr_has "gavel: --format needs a value"
gavel eval -p $Q/policy --input-format
status 2
stderr_has "--input-format needs a value (jsonl, json, yaml)"
gavel eval -p $Q/policy --bogus $Q/accounts.jsonl
status 2
stderr_has "gavel: unknown option '--bogus' (see 'gavel eval --help')"
gavel eval -p $Q/policy -x $Q/accounts.jsonl
status 2
stderr_has "gavel: unknown option '-x' (see 'gavel eval --help')"
gavel eval -p $Q/policy -qz $Q/accounts.jsonl
status 2
stderr_has "gavel: unknown option '-z' (see 'gavel eval --help')"
gavel eval -p $Q/policy --quiet=yes $Q/accounts.jsonl
status 2
stderr_has "gavel: --quiet takes no value"
# Long names are whole words: a prefix is not taken for the option.
gavel eval -p $Q/policy --form table $Q/accounts.jsonl
status 2
stderr_has "unknown option '--form'"
# The limits take = too.
gavel eval -p $Q/policy --as-of 2021-02-04 -f table --max-depth=64 --max-memory 256M $Q/accounts.jsonl
status 0
same_as table "--max-depth=64 --max-memory 256M"

# help: 'gavel help CMD' is 'gavel CMD --help', for every command.
for c in eval test explain check doc diff report replay; do
  gavel "$c" --help
  status 0
  keep "help-$c"
  gavel help "$c"
  status 0
  same_as "help-$c" "gavel help $c"
  gavel "$c" -h
  status 0
  same_as "help-$c" "gavel $c -h"
done
gavel --help
status 0
keep help
gavel help
status 0
same_as help "gavel help"
stdout_has "replay   prove logged decisions are reproduced exactly"
gavel help nosuch
status 2
stderr_has "unknown command 'nosuch'"

# diff: -p twice, --format=json, -fjson.
gavel diff -p $Q/policy -p rules/in-it-act-69a --as-of 2021-02-04 -f json $Q/accounts.jsonl
status 1
keep diffjson
gavel diff --policy=$Q/policy -prules/in-it-act-69a --as-of=2021-02-04 --format=json $Q/accounts.jsonl
status 1
same_as diffjson "diff --policy=OLD -pNEW --format=json"
gavel diff -p $Q/policy -p rules/in-it-act-69a --as-of 2021-02-04 -fjson --examples=2 -- $Q/accounts.jsonl
status 1
keep diffjson2
gavel diff -p $Q/policy -p rules/in-it-act-69a --as-of 2021-02-04 -f json --examples 2 $Q/accounts.jsonl
status 1
same_as diffjson2 "diff --examples=2 -fjson --"
gavel diff -p $Q/policy -p rules/in-it-act-69a -p $Q/policy $Q/accounts.jsonl
status 2
stderr_has "-p was given a third time"

# replay: the first operand is the log, wherever the options are.
"$GAVEL_BIN" eval -p $Q/policy --as-of 2021-02-04 -o "$W/log.jsonl" $Q/accounts.jsonl || fail "eval"
gavel replay "$W/log.jsonl" -p $Q/policy $Q/accounts.jsonl
status 0
keep replay
gavel replay --policy=$Q/policy --show=3 "$W/log.jsonl" -- $Q/accounts.jsonl
status 0
same_as replay "replay --policy=DIR --show=3 LOG -- INPUT"
gavel replay "$W/log.jsonl" -p $Q/policy --show
status 2
stderr_has "gavel: --show needs a value"

# doc, report, test, explain, check: one other form each.
gavel doc -p $Q/policy -f html
status 0
keep doc
gavel doc --policy=$Q/policy -fhtml
status 0
same_as doc "doc --policy=DIR -fhtml"
gavel doc -p $Q/policy extra
status 2
stderr_has "unknown option 'extra' (see 'gavel doc --help')"

gavel report "$W/log.jsonl" -p $Q/policy --title "Quick start"
status 0
keep report
gavel report --title="Quick start" --policy $Q/policy -- "$W/log.jsonl"
status 0
same_as report "report --title=T --policy DIR -- LOG"
gavel report "$W/log.jsonl" --max-rows
status 2
stderr_has "gavel: --max-rows needs a value"

gavel test -p $Q/policy -v
status 0
keep test
gavel test -vp $Q/policy
status 0
same_as test "test -vp DIR"
gavel test --policy=$Q/policy --verbose
status 0
same_as test "test --policy=DIR --verbose"

gavel explain -p $Q/policy --as-of 2021-02-04 --id acc004 -f json $Q/accounts.jsonl
status 0
keep explain
gavel explain -p$Q/policy --as-of=2021-02-04 --id=acc004 --format=json $Q/accounts.jsonl
status 0
same_as explain "explain -pDIR --as-of=DATE --id=ID --format=json"

gavel check -p tests/data/lint-policy --format json
status 0
keep check
gavel check -fjson tests/data/lint-policy
status 0
same_as check "check -fjson DIR"
gavel check --policy=tests/data/lint-policy --format=json
status 0
same_as check "check --policy=DIR --format=json"
gavel check -p tests/data/lint-policy -f
status 2
stderr_has "gavel: -f needs a value"
