# Editor support: the record types match the schema, the definitions are
# valid Lua, and the language-server settings are valid JSON.
python3 tools/schema2luals.py rules/in-it-act-69a/schema.yaml >"$(workdir)/record.lua" ||
  fail "schema2luals failed"
diff -u rules/types/record.lua "$(workdir)/record.lua" >&2 ||
  fail "rules/types/record.lua is stale: run tools/schema2luals.py (rules/README.md)"
grep -q '^---@field speech_level? "discussion"|"advocacy"|"incitement"|"unknown"$' rules/types/record.lua ||
  fail "enum fields not typed"
for f in rules/.luarc.json rules/in-it-act-69a/.luarc.json rules/platform-manipulation/.luarc.json; do
  python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); assert "workspace.library" in c' "$f" ||
    fail "$f is not valid"
done
# The definition files compile (gavel loads them as rule files: they declare
# no rules, and their stubs only shadow the helpers inside this throwaway policy).
P=$(workdir)/types-policy
mkdir -p "$P"
printf 'name: types\nversion: "1"\noutcomes: [keep, review]\ndefault: keep\nrules: [%s, %s]\n' \
  "$PWD/rules/types/gavel.lua" "$PWD/rules/types/record.lua" >"$P/policy.yaml"
gavel check -p "$P"
status 0
