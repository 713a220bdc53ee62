-- Exemptions: speech the order does not reach. Each keeps the account and
-- sets aside the withhold grounds (ground.*) and the missing hearing
-- (proc.no_hearing): a hearing protects an originator from being blocked,
-- and an account kept on the merits is not blocked. They do not set aside
-- the defects of the order as a whole (proc.no_reasons,
-- proc.ground_outside_69a, proc.unauthorised_issuer,
-- proc.emergency_unreviewed): such an order goes back to the legal team
-- before anything is done on it, for every account it names. Nor do they set
-- aside the review.* rules, so an account whose posts cannot be read
-- reliably still goes to a person.

local PRESS = {
  news_media = "a news media entity",
  journalist = "a journalist",
  politician = "a politician",
  activist   = "an activist",
}
local TRUSTED_SOURCE = {
  platform_verified = "category verified by the platform",
  external_registry = "category confirmed by an external registry",
}

rule "ex.press_politics" {
  outcome = "keep",
  defeats = { "ground.*", "allegation.*", "proc.no_hearing" },
  cites   = "Constitution of India, Art. 19(1)(a): freedom of speech and of the press; platform public-interest and newsworthiness practice",
  reason  = "{handle} is {category} ({basis}); the press and political speech on a matter of public debate are at the core of Art. 19(1)(a), and the order is not carried out against them short of an explicit call to violence or a direct threat",
  when = function(r)
    local category = PRESS[r.category]
    if category == nil then return false end
    local basis = TRUSTED_SOURCE[r.category_source]
    if basis == nil and r.verified == true then
      basis = "a verified account; the category is " ..
              (r.category_source == "order_asserted" and "asserted by the order" or "self-declared")
    end
    if basis == nil then return false end
    return true, { handle = r.handle or tostring(r.id), category = category, basis = basis }
  end,
}

rule "ex.advocacy" {
  outcome = "keep",
  defeats = { "ground.*", "proc.no_hearing" },
  cites   = "Constitution of India, Art. 19(1)(a) and 19(2); Shreya Singhal v. Union of India, (2015) 5 SCC 1; Balwant Singh v. State of Punjab, (1995) 3 SCC 214",
  reason  = "every post ({posts}) is discussion or advocacy and none calls for violence; discussion and advocacy of even an unpopular cause are protected by Art. 19(1)(a), and only incitement may be restricted under Art. 19(2)",
  when = function(r)
    local posts = r.posts
    if posts == nil or #posts == 0 then return false end
    if not all(posts, speech.protected) then return false end
    return true, { posts = speech.ids(posts) }
  end,
}

rule "ex.reporting" {
  outcome = "keep",
  defeats = { "ground.*", "proc.no_hearing", "review.unstated_interest" },
  cites   = "Constitution of India, Art. 19(1)(a); Shreya Singhal v. Union of India, (2015) 5 SCC 1; platform newsworthiness practice",
  reason  = "every post with contested words ({posts}) reports, quotes or condemns them rather than adopting them; words reported or condemned are not the account's own, and reporting them is protected",
  when = function(r, ctx)
    local o = ctx.order
    local tags = o and o.flagged_hashtags
    local check_tags = tags ~= nil and #tags > 0
    local contested = {}
    for _, p in ipairs(r.posts or {}) do
      local flagged = speech.incites(p) or speech.term(p) ~= nil or
                      (check_tags and any(p.hashtags, function(tag) return orders.flags_hashtag(o, tag) end))
      if flagged then
        if not speech.reported(p) then return false end
        contested[#contested + 1] = p.id
      end
    end
    return #contested > 0, { posts = contested }
  end,
}
