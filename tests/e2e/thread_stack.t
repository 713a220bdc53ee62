# docs/security.md, item 10: evaluator threads get a large stack of their
# own (16 MiB, cli/cmd_eval.c STACK_BYTES), not the process default, which
# is RLIMIT_STACK. Under `ulimit -s 128` a thread with the default stack
# crashes on a rule that recurses through C calls (a pcall and a gsub
# callback a level) up to Lua's own C-call limit; gavel's workers finish,
# and Lua's limit, not the stack, stops the deepest records.
# ThreadSanitizer and valgrind need large stacks themselves: skipped there.
if [ -n "${TSAN_OPTIONS:-}" ] || [ -n "${GAVEL_MEMCHECK:-}" ]; then
  echo "skipped under ThreadSanitizer or valgrind"
  exit 0
fi
P=$(workdir)/policy
mkdir -p "$P"
cat >"$P/policy.yaml" <<'YAML'
name: stack
version: "1"
outcomes: [withhold, keep]
default: keep
on_error: withhold
rules: [rules.lua]
YAML
cat >"$P/rules.lua" <<'LUA'
local function deep(n)
  if n == 0 then return 0 end
  local ok, v = pcall(function()
    local out
    string.gsub("x", "x", function() out = deep(n - 1) end)
    return out
  end)
  if not ok then error(v, 0) end
  return v + 1
end
rule "deep" {
  outcome = "keep",
  reason = "depth {d}",
  when = function(r) return true, { d = deep(r.n) } end,
}
LUA
for n in 10 60 90 150; do echo "{\"id\":$n,\"n\":$n}"; done >"$(workdir)/recs.jsonl"
( ulimit -s 128; gavel eval -q -j 2 -p "$P" -f jsonl "$(workdir)/recs.jsonl" )
status 1
stdout_lines 4
stdout_has '"reason":"depth 10"'
stdout_has '"reason":"depth 60"'
stdout_has '"id":90,"decision":"withhold"'
stdout_has '"message":"C stack overflow"'
