-- Grounds to contest: the platform complies with a direction that binds
-- and records why it may ask for it to be reconsidered, or why the user
-- may petition a High Court under Art. 226. These rules have no outcome:
-- they do not change what is done, they add a `contest` measure and say on
-- what ground. They replace the exemptions of the policy's first version,
-- which kept such accounts up: that was non-compliance (s.69A(3)), and the
-- platform's own public-interest practice, which they also encoded, is
-- platform policy, not law. It is named as such below, and acted on in the
-- separate platform track (rules/platform-manipulation).
--
-- In X Corp v. Union of India (Karnataka High Court, W.P. 13710/2022, 30
-- June 2023; appeal pending) the court held that a foreign intermediary
-- cannot claim the Art. 19 rights of its users: the speech grounds below
-- are the user's to raise, or the platform's to put to the committee.

local CONTEST = { action = "contest", scope = "IN" }
local ROUTE = "a ground for the platform to ask the committee to reconsider the direction, or for the user to petition a High Court under Art. 226"
local XCORP = "X Corp v. Union of India, Karnataka High Court, W.P. 13710/2022 (30 June 2023; appeal pending)"

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

rule "contest.press_politics" {
  measures = CONTEST,
  cites    = "Constitution of India, Art. 19(1)(a): freedom of speech and of the press; " .. XCORP .. "; platform policy: public-interest and newsworthiness practice",
  reason   = "{handle} is {category} ({basis}); the press and political speech on a matter of public debate are at the core of Art. 19(1)(a), which is " .. ROUTE .. " (under X Corp the platform cannot claim the user's Art. 19 rights itself); keeping such accounts visible is also the platform's own public-interest policy, which does not excuse compliance",
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

rule "contest.advocacy" {
  measures = CONTEST,
  cites    = "Constitution of India, Art. 19(1)(a) and 19(2); Shreya Singhal v. Union of India, (2015) 5 SCC 1 (on s.66A; applied to s.69A by this policy); Balwant Singh v. State of Punjab, (1995) 3 SCC 214",
  reason   = "every post ({posts}) is discussion or advocacy and none calls for violence; Shreya Singhal, reading s.66A, protects discussion and advocacy of even an unpopular cause and allows only incitement to be restricted, and the same line under s.69A is " .. ROUTE,
  when = function(r)
    local posts = r.posts
    if posts == nil or #posts == 0 then return false end
    if not all(posts, speech.protected) then return false end
    return true, { posts = speech.ids(posts) }
  end,
}

rule "contest.reporting" {
  measures = CONTEST,
  cites    = "Constitution of India, Art. 19(1)(a); Shreya Singhal v. Union of India, (2015) 5 SCC 1; platform policy: newsworthiness practice",
  reason   = "every post with contested words ({posts}) reports, quotes or condemns them rather than adopting them; words reported or condemned are not the account's own, which is " .. ROUTE,
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

rule "contest.no_hearing" {
  measures = CONTEST,
  cites    = "Blocking Rules 2009, r.8(1) (G.S.R. 781(E)): notice to \"such person or intermediary\"; " .. XCORP .. "; Shreya Singhal v. Union of India, (2015) 5 SCC 1",
  reason   = "order {order} was made under the standard procedure, and this account's originator {who}, but {finding}; rule 8(1) requires notice to \"such person or intermediary\", and X Corp held that notice to the user is not mandatory and that an intermediary cannot rely on its absence, so the user's not being heard is " .. ROUTE .. " (the appeal against X Corp is pending), not a reason to withhold nothing",
  in_force = { from = "2009-10-27" },
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or o.order_type ~= "standard_rule8" then return false end
    local identifiable = r.originator_identifiable
    if identifiable == false then return false end
    local who = identifiable and "is identifiable" or "may be identifiable (the record does not say)"
    local sent = o.hearing_notice_received_at or o.hearing_notice_sent_at
    if sent == nil then
      local finding = o.intermediary_notice_at ~= nil
        and "only the intermediary was given notice (at " .. o.intermediary_notice_at .. "), the originator none"
        or "the originator was given no notice of a hearing"
      return true, { order = orders.name(o), who = who, finding = finding }
    end
    -- The 48 hours of rule 8(1) run from receipt; when the order gives only
    -- when the notice was sent, that is the latest receipt can have been.
    local heard = o.committee_considered_at or o.issued_at
    local hours = util.hours_between(sent, heard)
    if hours == nil or hours >= 48 then return false end
    local at = o.hearing_notice_received_at and "received" or "sent"
    return true, { order = orders.name(o), who = who,
                   finding = "the notice " .. at .. " at " .. sent .. " left only " .. hours ..
                             " hours before the committee met, not the 48 from receipt rule 8(1) gives" }
  end,
}

rule "contest.reasons_not_communicated" {
  measures = CONTEST,
  cites    = "IT Act 2000, s.69A(1): for reasons to be recorded in writing; Shreya Singhal v. Union of India, (2015) 5 SCC 1; " .. XCORP,
  reason   = "order {order} {finding}; reasons recorded but not communicated do not invalidate a direction (the single judge in X Corp so held), so the platform complies, and asking for the recorded reasons is " .. ROUTE,
  in_force = { from = "2009-10-27" },
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or o.reasons_recorded == false then return false end   -- not recorded: proc.no_reasons
    local text = o.reasons_text
    if o.reasons_recorded == true and text ~= nil and string.find(text, "%S") then return false end
    local finding = o.reasons_recorded == true and "says reasons were recorded but does not give them"
      or "does not say whether reasons were recorded, and gives none"
    return true, { order = orders.name(o), finding = finding }
  end,
}

rule "contest.disproportionate" {
  measures = CONTEST,
  cites    = "Anuradha Bhasin v. Union of India, (2020) 3 SCC 637: restrictions must be proportionate, the least restrictive measure, temporary and periodically reviewed; Blocking Rules 2009, r.14",
  reason   = "order {order} {what}; Anuradha Bhasin asks for the least restrictive measure, temporary and periodically reviewed, and here {alternative}: that is " .. ROUTE .. ", and the Review Committee's periodic review under rule 14 is an occasion to ask",
  in_force = { from = "2009-10-27" },
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or r.posts == nil then return false end
    if comply.is_instrument(r) then return false end   -- the account is the instrument
    local reached = grounds.any_reached(r, o)
    if orders.directs_accounts(o) then
      if #r.posts == 0 then return false end
      return true, { order = orders.name(o), what = "directs the whole account blocked",
                     alternative = reached and "only the posts that incite need be withheld" or
                       "no post incites on an interest the order states" }
    end
    if reached then return false end
    return true, { order = orders.name(o), what = "names the account, though none of its posts incites on an interest the order states",
                   alternative = "nothing need be withheld on the order's own grounds" }
  end,
}

rule "contest.foreign_backed" {
  measures = CONTEST,
  cites    = "IT Act 2000, s.69A(1): blocking only where necessary for a listed interest; Shreya Singhal v. Union of India, (2015) 5 SCC 1",
  reason   = "order {order} alleges that the account is foreign-backed (its operating country is {country}); who is behind an account is not itself an interest s.69A(1) lists, which reaches content only where blocking is necessary for one, and that is " .. ROUTE,
  in_force = { from = "2009-10-27" },
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or not orders.alleges(o, "foreign_backed") then return false end
    local country = r.inferred_operating_country
    if country == "IN" then return false end
    return true, { order = orders.name(o), country = country or "not recorded" }
  end,
}
