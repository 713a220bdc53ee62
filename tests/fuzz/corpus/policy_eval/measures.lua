rule "g.posts" {
  outcome = "withhold", cites = "Act s.1",
  measures = { action = "withhold_post", targets = { post = "evidence.posts" }, scope = "EU",
               due = { after = "r.notice.received_at", hours = 36 } },
  when = function(r)
    local ids = {}
    for _, p in ipairs(r.posts or {}) do ids[#ids + 1] = p.id end
    return #ids > 0, { posts = ids }
  end,
}
rule "g.account" {
  outcome = "review",
  measures = { { action = "withhold_account", scope = { "IN", "DE" },
                 ["until"] = { after = "as_of", days = 30 } },
               { action = "notify", targets = { "account", post = "r.posts" }, scope = "*" } },
  when = function(r) return r.handle ~= nil end,
}
rule "x.some" {
  outcome = "keep", defeats = "g.*",
  measures = { action = "notify", scope = "evidence.where", due = "2021-02-01T00:00:00Z" },
  when = function(r) return r.verified == true, { where = r.country or "FR" } end,
}
