-- Posts that use a hashtag the order names, or call for violence, are
-- withheld in India; an automated account named in the order is withheld
-- whole, in India; nothing is done outside the order.

local function named(r, ctx)
  return ctx.order ~= nil and index(ctx.order.accounts):has(r.id)
end

rule "post.flagged" {
  outcome = "withhold",
  cites = "IT Act 2000, s.69A(1); Blocking Rules 2009, r.8",
  reason = "posts {posts} fall under the order",
  measures = { action = "withhold_post", targets = { post = "evidence.posts" }, scope = "IN" },
  when = function(r, ctx)
    if not named(r, ctx) then return false end
    local ids = {}
    for _, p in ipairs(r.posts or {}) do
      local flagged = p.labels ~= nil and p.labels.violence_call == true
      for _, h in ipairs(p.hashtags or {}) do
        flagged = flagged or orders.flags_hashtag(ctx.order, h)
      end
      if flagged then ids[#ids + 1] = p.id end
    end
    if #ids > 0 then return true, { posts = ids } end
    return false
  end,
}

rule "account.automated" {
  outcome = "withhold",
  cites = "IT Act 2000, s.69A(1); the account itself is the means (coordinated automation)",
  reason = "the account is automated: {signals}",
  measures = { action = "withhold_account", scope = "IN" },
  when = function(r, ctx)
    if not named(r, ctx) then return false end
    local auto, signals = bots.is_automated(r)
    return auto, { signals = signals }
  end,
}
