-- Exceptions to the grounds to contest. They have no outcome of their own:
-- they set a speech ground to contest aside, so the decision does not
-- record as contestable what no court would protect (docs/policy.md, "How
-- a decision is reached").

rule "exx.explicit_violence" {
  defeats = { "contest.press_politics", "contest.advocacy", "contest.reporting" },
  cites   = "IT Act 2000, s.69A(1); Constitution of India, Art. 19(2); Shreya Singhal v. Union of India, (2015) 5 SCC 1",
  reason  = "post {post} is, in the account's own voice, {finding}; an explicit call to violence or a direct threat is incitement under Art. 19(2) whoever makes it, so the speech grounds to contest do not hold",
  when = function(r)
    for _, p in ipairs(r.posts or {}) do
      local l = p.labels
      if l ~= nil and l.violence_call == true and speech.own_voice(p) then
        return true, { post = p.id, finding = speech.finding(p) }
      end
    end
    return false
  end,
}

local PRESS = util.set { "news_media", "journalist", "politician", "activist" }
local UNCHECKED_SOURCE = {
  self_declared = "the account's own description",
  order_asserted = "the order's description of it",
}

rule "exx.unverified_category" {
  defeats = { "contest.press_politics" },
  cites   = "Constitution of India, Art. 19(1)(a); platform policy: verification and public-interest practice (an account must be authentic to be treated as press or a public figure)",
  reason  = "{handle}'s category rests only on {source}, and the account shows strong signs of automation: {signals}; a press or political status no one has verified is no ground to contest for an account that looks automated",
  when = function(r)
    if not PRESS[r.category] then return false end   -- nothing for it to set aside
    local src = r.category_source
    local source = UNCHECKED_SOURCE[src]
    if src == nil then source = "an unrecorded source" end
    if source == nil then return false end
    local automated, signals = bots.is_automated(r)
    return automated, { handle = r.handle or tostring(r.id), source = source,
                        signals = util.and_list(signals) }
  end,
}
