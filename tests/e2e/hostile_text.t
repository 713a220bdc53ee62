# Record bytes hostile to the outputs that show them (docs/security.md,
# "Record bytes on the terminal", "Markdown injection in notices", "Every
# format round-trips"): ids, evidence, reasons, measure targets and an error
# message carrying ESC, OSC, CR, C1 controls, DEL, tabs, quotes, commas,
# '|', Markdown, non-BMP characters and U+FFFE; a citation over 4 KiB.
P=tests/data/hostile-text
W=$(workdir)
IN=$W/in.jsonl
python3 - "$IN" <<'PY'
import json, sys
hostile = ("\x1b[2J\x1b]0;owned\x07\r\x9b31m\x85\x7f\ufffe\uffff\u202e|#,\"q\"\ttab\n"
           "# NOTICE WITHDRAWN\r# NOTICE WITHDRAWN\n1. list\n- item\n| a | b |\n\U0001F600")
recs = [
  {"id": "tab\there,\"q\"\x1b[31m\r# NOTICE WITHDRAWN|\x85\x7f\ufffe\U0001F600", "text": hostile,
   "posts": ["p\x1b]8;;x\x07", "p|2\r# NOTICE WITHDRAWN\n# again"]},
  {"id": "\u00e9" * 40, "text": "plain", "posts": ["q1"]},
  {"id": "date\x1b[2J", "created_at": "\x1b[2J\x1b]0;t\x07\x9b\x7f", "text": "x", "posts": ["q2"]},
]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for r in recs:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
for f in jsonl yaml csv table; do
  gavel eval -p $P --as-of 2021-02-02 -f $f "$IN"
  status 1
  cp "$W/out" "$W/out.$f"
  cp "$W/err" "$W/err.$f"
done
stderr_has "days_between: '\\x1b[2J\\x1b]0;t\\x07\\u009b\\x7f' is not an ISO 8601 date"

# No raw control byte on what a terminal shows: C0 but newline and tab,
# DEL, C1 as UTF-8.
raw_controls() { grep -caP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$1"; }
no_raw_controls() {
  local n; n=$(LC_ALL=C raw_controls "$1")
  [ "$n" -eq 0 ] || { od -c "$1" | head -40 >&2; fail "$2: $n lines with raw control bytes"; }
}
no_raw_controls "$W/out.table" "eval -f table"
no_raw_controls "$W/err.table" "eval's warnings"
# The JSON carries them escaped, and its warnings show the id as JSON does.
grep -qF '"id":"date\u001b[2J"' "$W/out.jsonl" || fail "the JSON id"

# Every format reads back, with a standard parser, as the JSON says.
python3 - "$W" <<'PY' || fail "a format does not round-trip"
import csv, io, json, sys, yaml
w = sys.argv[1]
dec = [json.loads(l) for l in open(w + "/out.jsonl", encoding="utf-8")]
ys = yaml.safe_load(open(w + "/out.yaml", encoding="utf-8", newline=""))
assert len(ys) == len(dec), (len(ys), len(dec))
for j, y in zip(dec, ys):
    for key in ("id", "decision", "fired", "missing", "errors", "as_of", "measures",
                "measure_reasons", "defeated"):
        assert y[key] == j[key], (key, y[key], j[key])
    for yr, jr in zip(y["reasons"], j["reasons"]):
        for key in jr:
            assert yr[key] == jr[key], (key, yr[key], jr[key])
    assert len(y["reasons"]) == len(j["reasons"])
rows = list(csv.reader(io.open(w + "/out.csv", encoding="utf-8", newline="")))
assert rows[0] == ["id", "decision", "rules", "cites", "measures"], rows[0]
assert len(rows) == len(dec) + 1
for r, j in zip(rows[1:], dec):
    assert r[0] == j["id"], (r[0], j["id"])
    assert r[1] == j["decision"]
    assert r[2] == ";".join(x["rule"] for x in j["reasons"]), r[2]
    cites = "; ".join(dict.fromkeys(x["cites"] for x in j["reasons"]))
    assert r[3] == cites and (not j["reasons"] or len(r[3]) > 4096), (len(r[3]), len(cites))
# The table: valid UTF-8 (an id cut on a character boundary), one line per
# decision and measure, a long id cut at 63 bytes.
table = open(w + "/out.table", "rb").read().decode("utf-8")
lines = table.split("\n")[:-1]
assert len(lines) == 1 + len(dec) + sum(len(j["measures"]) for j in dec), lines
assert any(l.startswith("\u00e9" * 31 + " ") for l in lines), lines
PY

# explain and diff, as text: escaped; as JSON: what JSON says.
head -1 "$IN" >"$W/one.jsonl"
sed -n 3p "$IN" >"$W/three.jsonl"
gavel explain -p $P --as-of 2021-02-02 "$W/one.jsonl"
status 0
no_raw_controls "$W/out" "explain"
stdout_has 'post p\x1b]8;;x\x07'
gavel explain -p $P --as-of 2021-02-02 "$W/three.jsonl"
status 1
no_raw_controls "$W/out" "explain of an error"
stdout_has "'\\x1b[2J\\x1b]0;t\\x07\\u009b\\x7f' is not an ISO 8601 date"
cp -r $P "$W/new"
sed -i 's/outcome = "withhold", cites = "second"/outcome = "review", cites = "second"/; s/reason = "text {text}"/reason = "now {text}"/' "$W/new/rules/hostile.lua"
gavel diff -p "$P" -p "$W/new" --as-of 2021-02-02 "$IN"
status 1
no_raw_controls "$W/out" "diff"
stdout_has 'was: h.text: text \x1b[2J\x1b]0;owned\x07\x0d'

# replay against the changed policy: its report names the records and
# their values, escaped.
gavel replay "$W/out.jsonl" -p "$W/new" "$IN"
status 1
no_raw_controls "$W/out" "replay"
stdout_has 'date\x1b[2J (line 3): errors[0].message: logged'
stdout_has '\u009b\x7f'

# Notices: no line of the Markdown starts a heading but the notice's own,
# and every table row keeps its two columns.
gavel report "$W/out.jsonl" -p $P --notices "$W/notices" -o "$W/page.html"
status 0
python3 - "$W/notices" <<'PY' || fail "Markdown injected into a notice"
import glob, re, sys
files = [f for f in glob.glob(sys.argv[1] + "/*.md") if not f.endswith("index.md")]
assert len(files) == 2, files
texts = [open(f, encoding="utf-8", newline="").read() for f in sorted(files)]
text = "".join(t for t in texts if "NOTICE WITHDRAWN" in t)
assert text, "the hostile text is not shown at all"
assert "\r" not in text, "a CR in the notice"
assert text.count("\n---\n") == 1, "a thematic break made of record text"
lines = text.split("\n")
# a heading, also inside list items and quotes
heads = [l for l in lines if re.match(r" {0,3}(?:(?:[-+*]|\d{1,9}[.)]) +|> *)*#{1,6}( |$)", l)]
assert heads and heads[0].startswith("# Notice of "), heads
assert all(h.startswith("## ") and "WITHDRAWN" not in h for h in heads[1:]), heads
assert "\x1b" not in text and "\x07" not in text, "a raw control in the notice"
for l in lines:
    # no setext underline, list item or table row made of record text
    assert not re.match(r" {0,3}(=+|-{2,}) *$", l) or l in ("|---|---|", "---"), l
    assert not re.match(r"\s*(?:1\. list|- item|\| a \|)", l), l
    if l.startswith("|"):
        cells = re.split(r"(?<!\\)\|", l)
        assert len(cells) == 4, (len(cells), l)
PY
