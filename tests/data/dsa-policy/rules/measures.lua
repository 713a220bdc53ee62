-- The measures test policy's rules (tests/data/measures-policy), with the bot
-- account withheld EU-wide, and a reported post demoted while reviewed.
rule "g.incite" {
  outcome = "withhold", cites = "IT Act 2000, s.69A(1)",
  reason = "posts {posts} incite",
  measures = { action = "withhold_post", targets = { post = "evidence.posts" }, scope = "IN",
               due = { after = "ctx.order.issued_at", hours = 36 } },
  when = function(r, ctx)
    local ids = {}
    for _, p in ipairs(r.posts or {}) do if p.incites then ids[#ids + 1] = p.id end end
    if #ids > 0 then return true, { posts = ids } end
    return false
  end,
}

rule "g.de_court" {
  outcome = "withhold", cites = "StGB s.130",
  reason = "a German court named {n} posts",
  measures = {
    { action = "withhold_post", targets = { post = "evidence.posts" }, scope = "DE",
      due = { after = "as_of", hours = 24 } },
    { action = "notify_user", scope = "*", ["until"] = { after = "as_of", days = 180 } },
  },
  when = function(r, ctx)
    local found = {}
    for _, p in ipairs(r.posts or {}) do if p.court_de then found[#found + 1] = p end end
    if #found > 0 then return true, { posts = found, n = #found } end
    return false
  end,
}

rule "g.bot" {
  outcome = "withhold", cites = "Platform rules: inauthentic behaviour",
  reason = "the account is automated",
  measures = { action = "withhold_account", scope = "EU" },
  when = function(r) return r.bot == true end,
}

rule "g.eu_terror" {
  outcome = "withhold", cites = "Regulation (EU) 2021/784, Art. 3",
  reason = "a removal order names post {post}",
  measures = { action = "withhold_post", targets = { post = "evidence.post" }, scope = "EU",
               due = { after = "evidence.order_at", hours = 1 } },
  when = function(r)
    local o = r.removal_order
    if o then return true, { post = o.post, order_at = o.received_at } end
    return false
  end,
}

rule "x.news" {
  outcome = "keep", defeats = "g.bot",
  cites = "Platform rules: news exemption",
  reason = "a news outlet's account",
  when = function(r) return r.news == true end,
}

-- A post a notifier flagged is demoted, everywhere, for 30 days, while a
-- person reviews it: the decision is the reviewer's, not fully automated.
rule "g.flagged" {
  outcome = "review", cites = "Terms of service, s.7: reported content",
  reason = "post {post} was reported",
  measures = { action = "demote_post", targets = { post = "evidence.post" }, scope = "*",
               ["until"] = { after = "as_of", days = 30 } },
  when = function(r)
    for _, p in ipairs(r.posts or {}) do if p.reported then return true, { post = p.id } end end
    return false
  end,
}
