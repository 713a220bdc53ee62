# Decision ids. Records without an id are decided under their position,
# numbered once, by the reader, on from one input to the next: JSON Lines (a
# blank line and a line that is not JSON count as they come), a YAML
# sequence, a JSON array; eval (one thread or several), diff and replay
# agree on the numbers. An id is plain text for a person and for CSV, and
# keeps its kind (string or number) where JSON or YAML is written.
Q=examples/quickstart
W=$(workdir)
printf '{"category":"news_media"}\n\nnot json\n' >"$W/a.jsonl"
printf -- '- {category: news_media}\n- {category: satire}\n' >"$W/b.yaml"
printf '[{"id":"named"},{"category":"x"}]' >"$W/c.json"

gavel eval -p $Q/policy --as-of 2021-02-04 -f csv "$W/a.jsonl" "$W/b.yaml" "$W/c.json"
status 1
[ "$(cut -d, -f1 "$WORK/out" | tr '\n' ' ')" = "id 1 2 3 4 named 6 " ] \
  || { cat "$WORK/out" >&2; fail "positions across inputs"; }
stderr_has "record 2: "
gavel eval -p $Q/policy --as-of 2021-02-04 -f csv -j 2 "$W/a.jsonl" "$W/b.yaml" "$W/c.json"
same_stdout_as_previous

# An input that cannot be opened numbers nothing.
gavel eval -p $Q/policy --as-of 2021-02-04 -f csv "$W/a.jsonl" "$W/none.jsonl" "$W/b.yaml"
status 2
[ "$(cut -d, -f1 "$WORK/out" | tr '\n' ' ')" = "id 1 2 3 4 " ] || fail "after a missing input"

gavel eval -p $Q/policy --as-of 2021-02-04 -o "$W/log.jsonl" "$W/a.jsonl" "$W/b.yaml" "$W/c.json"
gavel replay "$W/log.jsonl" -p $Q/policy "$W/a.jsonl" "$W/b.yaml" "$W/c.json"
status 0
stdout_has "replay: 6 logged decisions, 6 reproduced, 0 differ"
# The same records in other files: position 4 is now another record.
gavel replay "$W/log.jsonl" -p $Q/policy "$W/b.yaml" "$W/a.jsonl" "$W/c.json"
status 1

gavel diff -p $Q/policy -p rules/in-it-act-69a --as-of 2021-02-04 -f json \
  "$W/a.jsonl" "$W/b.yaml" "$W/c.json"
stdout_has '"records":6'

printf '{"id":"a\\"b, c"}\n{"id":7}\n{"id":"7"}\n' >"$W/ids.jsonl"
gavel eval -p $Q/policy --as-of 2021-02-04 -f csv "$W/ids.jsonl"
stdout_has '"a""b, c",keep,,'
gavel eval -p $Q/policy --as-of 2021-02-04 -f table "$W/ids.jsonl"
stdout_has 'a"b, c           keep'
gavel eval -p $Q/policy --as-of 2021-02-04 -f yaml "$W/ids.jsonl"
stdout_has '- id: "a\"b, c"'
stdout_has '- id: 7'
stdout_has '- id: "7"'
gavel explain -p $Q/policy --as-of 2021-02-04 --id 'a"b, c' "$W/ids.jsonl"
stdout_has 'a"b, c: keep'
