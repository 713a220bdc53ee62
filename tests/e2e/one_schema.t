# One YAML schema for the whole program: an order whose grounds are written
# 0o17, 0x1F and 1e3 reaches the rules (ctx) and the notices (gavel report
# --notices) as the same values, integer 15, integer 31 and float 1000.0;
# a quoted '0o17' is a string to both.
W=$(workdir)
mkdir "$W/policy"
cat >"$W/policy/policy.yaml" <<'YAML'
name: schema
version: "1"
outcomes: [withhold, review, keep]
default: keep
on_error: review
rules: [rules.lua]
YAML
cat >"$W/policy/rules.lua" <<'LUA'
rule "g.order" { outcome = "withhold", reason = "the order says so",
  when = function(r, ctx)
    local g = ctx.order.stated_grounds
    return true, { grounds = g, reasons = ctx.order.reasons_text,
                   types = math.type(g[1]) .. " " .. math.type(g[2]) .. " " .. math.type(g[3]) }
  end }
LUA
printf 'order:\n  id: O-17\n  stated_grounds: [0o17, 0x1F, 1e3]\n  reasons_text: %s\n' "'0o17'" \
  >"$W/order.yaml"
echo '{"id":"acc1"}' >"$W/accounts.jsonl"

gavel eval -p "$W/policy" --as-of 2021-02-04 --context "$W/order.yaml" "$W/accounts.jsonl"
status 0
stdout_has '"evidence":{"grounds":[15,31,1000.0],"reasons":"0o17","types":"integer integer float"}'
cp "$WORK/out" "$W/decisions.jsonl"

gavel report "$W/decisions.jsonl" -p "$W/policy" --context "$W/order.yaml" --notices "$W/notices" \
  -o "$W/report.html"
status 0
N=$W/notices/acc1.md
grep -qF '| Grounds stated in the order | \[15,31,1000.0\] |' "$N" || { cat "$N" >&2; fail "grounds in the notice"; }
grep -qF 'Evidence: grounds: \[15,31,1000.0\]; reasons: 0o17; types: integer integer float' "$N" \
  || { cat "$N" >&2; fail "evidence in the notice"; }
grep -qF '> 0o17' "$N" || { cat "$N" >&2; fail "the quoted reasons in the notice"; }
