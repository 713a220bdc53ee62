-- The benchmark workload's 12 rules (bench/README.md, "The rules"),
-- written the way a policy author would: one rule per criterion, evidence
-- for the reason, lexicons for the phrase lists. Decisions must equal those
-- of the yardsticks (bench/yardstick/engine.py and engine.c); bench/run.sh
-- checks that.

-- The flagged hashtags, lower-cased: a hashtag matches when it equals one of
-- them case-insensitively and as a whole (a near miss such as
-- "StopFarmersGenocide" must not), so a set, not the substring lexicon.
-- bench/lexicons.py reads this table for the generator and the yardsticks.
local FLAGGED = { farmersgenocide = true, modiplanningfarmergenocide = true }

-- The first post whose text contains a term of the lexicon: post, term.
local function post_matching(r, lex)
  for _, p in ipairs(r.posts) do
    local term = lex:find(p.text)
    if term then return p, term end
  end
  return nil
end

-- ((created_days_ago < 90) + (tweets_per_day > 50) + default_profile +
--  (followers / (following + 1) < 0.1)) / 4
local function bot_score(r)
  local s = 0
  if r.created_days_ago < 90 then s = s + 1 end
  if r.tweets_per_day > 50 then s = s + 1 end
  if r.default_profile then s = s + 1 end
  if r.followers / (r.following + 1) < 0.1 then s = s + 1 end
  return s / 4
end

-- Grounds: reasons to withhold.

rule "g.public_order.incitement" {
  outcome = "withhold",
  cites   = "IT Act 2000, s.69A(1): public order",
  reason  = "post {post} calls for violence (\"{term}\")",
  when = function(r)
    local p, term = post_matching(r, lexicon.incitement)
    if p then return true, { post = p.id, term = term } end
    return false
  end,
}

rule "g.public_order.hashtag" {
  outcome = "withhold",
  cites   = "IT Act 2000, s.69A(1): public order",
  reason  = "post {post} uses the flagged hashtag #{tag}",
  when = function(r)
    for _, p in ipairs(r.posts) do
      for _, tag in ipairs(p.hashtags) do
        if FLAGGED[string.lower(tag)] then return true, { post = p.id, tag = tag } end
      end
    end
    return false
  end,
}

rule "g.sovereignty.separatism" {
  outcome = "withhold",
  cites   = "IT Act 2000, s.69A(1): sovereignty and integrity of India",
  reason  = "post {post} advocates secession (\"{term}\")",
  when = function(r)
    local p, term = post_matching(r, lexicon.separatism)
    if p then return true, { post = p.id, term = term } end
    return false
  end,
}

rule "g.foreign.coordinated" {
  outcome = "withhold",
  cites   = "IT Act 2000, s.69A(1): friendly relations with foreign states",
  reason  = "an automated-looking account operated from {country} (bot score {score}) named in an order",
  when = function(r)
    if r.operating_country == "IN" or r.order == nil then return false end
    local score = bot_score(r)
    if score < 0.75 then return false end
    return true, { country = r.operating_country, score = score }
  end,
}

-- Review: what a person should look at.

rule "p.bot_amplifier" {
  outcome = "review",
  cites   = "Platform manipulation policy: automation signals",
  reason  = "bot score {score} and no order names the account",
  when = function(r)
    if r.order ~= nil then return false end
    local score = bot_score(r)
    if score < 0.5 then return false end
    return true, { score = score }
  end,
}

-- Exemptions: protected speech.

rule "x.news_media" {
  outcome = "keep",
  defeats = { "g.*" },
  cites   = "Constitution of India, Art. 19(1)(a): freedom of the press",
  reason  = "{handle} is a news media entity",
  when = function(r)
    if r.category ~= "news_media" then return false end
    return true, { handle = r.handle }
  end,
}

rule "x.journalist" {
  outcome = "keep",
  defeats = { "g.*" },
  cites   = "Constitution of India, Art. 19(1)(a): freedom of the press",
  reason  = "{handle} is a verified journalist",
  when = function(r)
    if r.category ~= "journalist" or r.verified ~= true then return false end
    return true, { handle = r.handle }
  end,
}

rule "x.politician" {
  outcome = "keep",
  defeats = { "g.*" },
  cites   = "Constitution of India, Art. 19(1)(a): political speech",
  reason  = "{handle} is a politician",
  when = function(r)
    if r.category ~= "politician" then return false end
    return true, { handle = r.handle }
  end,
}

rule "x.activist" {
  outcome = "keep",
  defeats = { "g.public_order.*" },
  cites   = "Constitution of India, Art. 19(1)(a)-(b): speech and peaceful assembly",
  reason  = "{handle} is an activist",
  when = function(r)
    if r.category ~= "activist" then return false end
    return true, { handle = r.handle }
  end,
}

rule "x.commentary" {
  outcome = "keep",
  defeats = { "g.public_order.hashtag" },
  cites   = "Shreya Singhal v. Union of India (2015): discussion is protected",
  reason  = "no post calls for violence: a flagged hashtag alone is commentary",
  when = function(r)
    return post_matching(r, lexicon.incitement) == nil
  end,
}

-- Exception to the exemptions: explicit violence is never protected.

rule "xx.violence" {
  outcome = "withhold",
  defeats = { "x.*" },
  cites   = "IT Act 2000, s.69A(1); Constitution of India, Art. 19(2)",
  reason  = "post {post} is an explicit call to violence (\"{term}\"), which no exemption covers",
  when = function(r)
    local p, term = post_matching(r, lexicon.violence)
    if p then return true, { post = p.id, term = term } end
    return false
  end,
}

-- Procedure: a blocking order must give reasons.

rule "proc.no_reasons" {
  outcome = "review",
  cites   = "Shreya Singhal v. Union of India (2015): reasons must be recorded in writing",
  reason  = "order {order} gives no reasons",
  when = function(r)
    local o = r.order
    if o == nil or o.reasons ~= "" then return false end
    return true, { order = o.id }
  end,
}
