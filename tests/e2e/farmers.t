# The farmers'-protest example (examples/farmers-protest): the checked-in
# data are what gen.py writes, run.sh prints exactly what the example's
# README shows (and tests/e2e/expected/farmers.txt holds), every bold number
# in the README is one run.sh prints, and the decisions the README quotes are
# the ones gavel makes. GAVEL_UPDATE=1 rewrites expected/farmers.txt; the
# README block is updated by hand (read the diff).
EX=examples/farmers-protest
W=$(workdir)

python3 "$EX/gen.py" --out "$W/gen" || fail "gen.py failed"
for f in accounts-257.jsonl accounts-1178.jsonl order-2021-01-31.yaml order-2021-02-04.yaml; do
  cmp -s "$EX/$f" "$W/gen/$f" || fail "$EX/$f is not what gen.py writes: rerun python3 $EX/gen.py"
done

"$EX/run.sh" "$GAVEL_BIN" >"$W/run.out" 2>&1 || { cat "$W/run.out" >&2; fail "run.sh failed"; }
if [ "${GAVEL_UPDATE:-}" = 1 ]; then cp "$W/run.out" tests/e2e/expected/farmers.txt; fi
diff -u tests/e2e/expected/farmers.txt "$W/run.out" >&2 ||
  fail "run.sh output differs from tests/e2e/expected/farmers.txt"
python3 - "$EX/README.md" "$W/run.out" <<'PY' || fail "$EX/README.md does not match what run.sh prints"
import difflib, re, sys
readme = open(sys.argv[1], encoding="utf-8").read()
out = open(sys.argv[2], encoding="utf-8").read()
m = re.search(r"<!-- run.sh output: begin -->\n```\n(.*?)```\n<!-- run.sh output: end -->", readme, re.S)
if not m:
    sys.exit("README.md has no run.sh output block")
if m.group(1) != out:
    sys.stderr.writelines(difflib.unified_diff(m.group(1).splitlines(True), out.splitlines(True),
                                               "README.md block", "run.sh output"))
    sys.exit(1)
printed = set(re.findall(r"\d+", out))
for n in re.findall(r"\*\*(\d[\d,]*)\*\*", readme):
    if n.replace(",", "") not in printed:
        sys.exit("README.md says **%s**, a number run.sh does not print" % n)
PY

gavel eval -p rules/in-it-act-69a --context $EX/order-2021-01-31.yaml -f table $EX/accounts-257.jsonl
status 0
stdout_has 'acc_0001         withhold   comply.named: order MeitY/69A/2021-01-31 names the account and binds until revoked or set aside (s.69A(3)), '
stdout_has '                            -> withhold_account account:acc_0001 in IN'
stdout_has '                            -> contest account:acc_0001 in IN'
stdout_has 'acc_0020         withhold   ground.public_order: post acc_0020_p2 contains a direct threat ("we know where you live"), bearing on public order, '
stdout_has '[set aside: contest.press_politics by exx.explicit_violence]'
stdout_has '                            -> withhold_post post:acc_0020_p2 in IN'
stdout_has 'acc_0191         withhold   ground.public_order: post acc_0191_p1 contains a call to violence ("ਅੱਗ ਲਾ ਦਿਓ"), bearing on public order, which order MeitY/69A/2021-01-31 invokes; under s.69A(1) such incitement is withheld in India, and withholding these posts, not the account, is the least restrictive measure that carries out the direction (Anuradha Bhasin)'
stdout_lacks ' keep '
gavel eval -p rules/in-it-act-69a --context $EX/order-2021-02-04.yaml -f table $EX/accounts-1178.jsonl
status 0
stdout_has 'acc_0258         withhold   ground.sovereignty_integrity: post acc_0258_p2 contains a call to violence ("take up arms"), bearing on the sovereignty and integrity of India, '
stdout_has '                            -> withhold_account account:acc_0258 in IN'
stdout_has '                            -> withhold_post post:acc_0258_p2 in IN'
gavel eval -p rules/platform-manipulation --context $EX/order-2021-02-04.yaml -f table $EX/accounts-1178.jsonl
status 0
stdout_has 'acc_0258         suspend    pm.coordinated_automation: the account shows 3 strong signals of coordinated automation: 118.5 posts a day on average (more than 50), 76% duplicated content (70% or more) and one of a coordinated cluster of 220 accounts (20 or more); '

# Shuffled input gives the same decisions (rules are pure).
python3 - "$EX/accounts-1178.jsonl" "$W/shuffled.jsonl" <<'PY'
import random, sys
lines = open(sys.argv[1], encoding="utf-8").readlines()
random.Random(1).shuffle(lines)
open(sys.argv[2], "w", encoding="utf-8").writelines(lines)
PY
gavel eval -p rules/in-it-act-69a --context $EX/order-2021-02-04.yaml $EX/accounts-1178.jsonl
sort "$W/out" >"$W/sorted-a"
gavel eval -p rules/in-it-act-69a --context $EX/order-2021-02-04.yaml "$W/shuffled.jsonl"
sort "$W/out" | diff -q "$W/sorted-a" - >/dev/null || fail "shuffled input changed the decisions"
