rule "a" { outcome = "withhold", defeats = "b", when = function(r) return true, { x = r.missing_field } end }
rule "b" { outcome = "keep", defeats = { "c", "a*" }, in_force = { from = "2020-01-01", ["until"] = "2022-12-31" },
  when = function(r) return r.category ~= nil, { days = days_between("2021-01-01", "2021-02-04") } end }
rule "c" { outcome = "review", cites = "C", reason = "{n} of {m}",
  when = function(r) return all(r.posts, function(p) return p.id ~= nil end), { n = count(r.posts, function() return true end), m = #r.posts } end }
