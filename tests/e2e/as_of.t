# as_of as a date-time and --as-of-field: each record judged under the law
# in force at the time it carries. The old procedure ends, and the new one
# begins, at 10:00 UTC on 25 February 2021 (15:30 in Delhi).
W=$(workdir)
mkdir "$W/pol"
printf 'name: notice-window\nversion: "1"\noutcomes: [withhold, review, keep]\ndefault: keep\non_error: review\nrules: [rules.lua]\n' >"$W/pol/policy.yaml"
cat >"$W/pol/rules.lua" <<'LUA'
rule "old.procedure" {
  outcome = "withhold", reason = "old procedure at {at}",
  in_force = { ["until"] = "2021-02-25T15:30:00+05:30" },
  when = function(r, ctx) return r.flagged == true, { at = ctx.as_of } end,
}
rule "new.procedure" {
  outcome = "review", reason = "new procedure at {at}",
  in_force = { from = "2021-02-25T10:00:00Z" },
  when = function(r, ctx) return r.flagged == true, { at = ctx.as_of } end,
}
LUA
N=$W/notices.jsonl
cat >"$N" <<'JSONL'
{"id":"n1","flagged":true,"notice":{"received_at":"2021-02-25T15:29:59+05:30"}}
{"id":"n2","flagged":true,"notice":{"received_at":"2021-02-25T15:30:00+05:30"}}
{"id":"n3","flagged":true}
{"id":"n4","flagged":true,"notice":{"received_at":"2021-02-24"}}
JSONL

# A date-time --as-of: converted to UTC, written so, and the new rule decides.
gavel eval -p "$W/pol" --as-of 2021-02-25T15:30:00+05:30 "$N"
status 0
stdout_has '"id":"n1","decision":"review"'
stdout_has '"reason":"new procedure at 2021-02-25T10:00:00Z"'
stdout_has '"as_of":"2021-02-25T10:00:00Z"}'
stdout_lacks 'old.procedure'
# One second earlier, the old one.
gavel eval -p "$W/pol" --as-of 2021-02-25T09:59:59Z "$N"
status 0
stdout_has '"id":"n4","decision":"withhold"'
stdout_has '"as_of":"2021-02-25T09:59:59Z"}'
stdout_lacks 'new.procedure'
# A time without a zone names no instant.
gavel eval -p "$W/pol" --as-of 2021-02-25T10:00 "$N"
status 2
stderr_has "as_of '2021-02-25T10:00' has no time zone"

# --as-of-field: each record at its own time, in one run; the one without
# a time gets on_error, naming the field and its file:line, as_of null.
gavel eval -p "$W/pol" --as-of 2020-01-01 --as-of-field notice.received_at -o "$W/log.jsonl" "$N"
status 1
gavel eval -p "$W/pol" --as-of 2020-01-01 --as-of-field notice.received_at -j 2 "$N"
status 1
stdout_lines 4
stdout_has '"id":"n1","decision":"withhold","policy"'
stdout_has '"reasons":[{"rule":"old.procedure","outcome":"withhold","cites":null,"reason":"old procedure at 2021-02-25T09:59:59Z"'
stdout_has '"as_of":"2021-02-25T09:59:59Z"}'
stdout_has '"id":"n2","decision":"review","policy"'
stdout_has '"reasons":[{"rule":"new.procedure","outcome":"review","cites":null,"reason":"new procedure at 2021-02-25T10:00:00Z"'
stdout_has '"id":"n3","decision":"review","policy"'
stdout_has "notices.jsonl:3: the as_of field 'notice.received_at' is missing\"}],\"as_of\":null}"
stdout_has '"id":"n4","decision":"withhold","policy"'
stdout_has '"as_of":"2021-02-24"}'
stdout_lacks '2020-01-01'
gavel eval -p "$W/pol" --as-of-field notice..received_at "$N"
status 2
stderr_has "as_of field 'notice..received_at' is not a dotted path"

# replay remakes them: with --as-of-field, every one, the error included;
# without it, the record that had no time is a difference.
gavel replay "$W/log.jsonl" -p "$W/pol" --as-of-field notice.received_at "$N"
status 0
stdout_has "4 logged decisions, 4 reproduced, 0 differ"
gavel replay "$W/log.jsonl" -p "$W/pol" "$N"
status 1
stdout_has 'n3 (line 3): as_of: logged null, now "'
stdout_has "3 reproduced, 1 differ"
# ... and a log made at a date-time --as-of.
"$GAVEL_BIN" eval -p "$W/pol" --as-of 2021-02-25T15:30:00+05:30 -o "$W/at.jsonl" "$N" || fail "eval"
gavel replay "$W/at.jsonl" -p "$W/pol" "$N"
status 0
stdout_has "4 reproduced, 0 differ"

# explain and diff take it too.
gavel explain -p "$W/pol" --as-of-field notice.received_at --id n2 "$N"
status 0
stdout_has "as of 2021-02-25T10:00:00Z"
stdout_has "  new.procedure (review)"
gavel explain -p "$W/pol" --as-of-field notice.received_at --id n3 "$N"
status 1
stdout_has "as of no time (see the errors)"
gavel diff -p "$W/pol" -p "$W/pol" --as-of-field notice.received_at "$N"
status 0
stdout_has "gavel diff: 4 records, as of each record's notice.received_at"
stdout_has "  withhold           2         0         0"
gavel diff -p "$W/pol" -p "$W/pol" --as-of-field notice.received_at -f json "$N"
status 0
stdout_has '"as_of":null,"as_of_field":"notice.received_at"'
