-- Never fires and reads nothing: what remains is gavel's own per-record cost.
rule "never" {
  outcome = "review",
  cites   = "none",
  reason  = "never fires",
  when = function() return false end,
}
