-- Quick-start rules. Each rule says what it decides (outcome), which
-- provision it rests on (cites), why (reason, filled from the evidence
-- that `when` returns), and which rules it sets aside (defeats).

local FLAGGED = { farmersgenocide = true, modiplanningfarmergenocide = true }

-- Grounds: reasons to withhold under s.69A(1).

rule "g.incitement" {
  outcome = "withhold",
  cites   = "IT Act 2000, s.69A(1): public order",
  reason  = "post {post} calls for violence (\"{term}\")",
  when = function(r)
    for _, p in ipairs(r.posts or {}) do
      local term = lexicon.incitement:find(p.text)
      if term then return true, { post = p.id, term = term } end
    end
    return false
  end,
}

rule "g.flagged_hashtag" {
  outcome = "withhold",
  cites   = "IT Act 2000, s.69A(1): public order",
  reason  = "post {post} uses the hashtag #{tag} named in the order",
  when = function(r)
    for _, p in ipairs(r.posts or {}) do
      for _, tag in ipairs(p.hashtags or {}) do
        if FLAGGED[string.lower(tag)] then
          return true, { post = p.id, tag = tag }
        end
      end
    end
    return false
  end,
}

-- Exemptions: protected speech under Art. 19(1)(a).

rule "x.news_media" {
  outcome = "keep",
  defeats = { "g.*" },
  cites   = "Constitution of India, Art. 19(1)(a): freedom of the press",
  reason  = "{handle} is a verified news media entity",
  when = function(r)
    return r.category == "news_media" and r.verified == true, { handle = r.handle }
  end,
}

rule "x.reporting" {
  outcome = "keep",
  defeats = { "g.flagged_hashtag" },
  cites   = "Shreya Singhal v. Union of India (2015): discussion is protected",
  reason  = "every post with a flagged hashtag reports or condemns it ({posts})",
  when = function(r)
    local ids = {}
    for _, p in ipairs(r.posts or {}) do
      local flagged = any(p.hashtags, function(tag) return FLAGGED[string.lower(tag)] end)
      if flagged then
        local context = p.labels and p.labels.context
        if context ~= "reporting" and context ~= "condemnation" then return false end
        ids[#ids + 1] = p.id
      end
    end
    return #ids > 0, { posts = ids }
  end,
}

-- Exception to the exemptions: explicit violence is never protected.

rule "xx.explicit_violence" {
  outcome = "withhold",
  defeats = { "x.*" },
  cites   = "IT Act 2000, s.69A(1); Constitution of India, Art. 19(2)",
  reason  = "post {post} is an explicit call to violence, which no exemption covers",
  when = function(r)
    for _, p in ipairs(r.posts or {}) do
      if p.labels and p.labels.violence_call == true then
        return true, { post = p.id }
      end
    end
    return false
  end,
}

-- Review: what a person should look at.

rule "r.automation" {
  outcome = "review",
  cites   = "Platform manipulation policy: automation signals",
  reason  = "{n} strong automation signals: {signals}",
  when = function(r)
    local b = r.bot_signals or {}
    local signals = {}
    if (b.posts_per_day_avg or 0) > 50 then signals[#signals + 1] = "more than 50 posts a day" end
    if (b.duplicate_content_ratio or 0) >= 0.7 then signals[#signals + 1] = "duplicate content" end
    if (b.cluster_size or 0) >= 20 then signals[#signals + 1] = "part of a large cluster" end
    return #signals >= 2, { n = #signals, signals = signals }
  end,
}

rule "r.unlabelled" {
  outcome = "review",
  cites   = "Shreya Singhal v. Union of India (2015): incitement must be shown",
  reason  = "post {post} has no speech label, so incitement cannot be ruled out",
  when = function(r)
    for _, p in ipairs(r.posts or {}) do
      if p.labels == nil or p.labels.speech_level == nil then
        return true, { post = p.id }
      end
    end
    return false
  end,
}
