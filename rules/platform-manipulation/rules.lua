-- Platform manipulation and spam. The platform prohibits artificial
-- amplification or suppression, inauthentic engagement and coordinated
-- activity through automated or fake accounts; coordinating to support a
-- cause is allowed. Behaviour over time (volume, duplication, clusters, a
-- bot classifier) is the evidence: bots.strong_signals in ../lib/bots.lua.
-- Weak cues (numeric handle, default avatar, a new account, few followers)
-- never suspend: they do not by themselves show automation.

local POLICY = "Platform rules: platform manipulation and spam policy"

rule "pm.coordinated_automation" {
  outcome = "suspend",
  cites   = POLICY .. " (automation and coordinated inauthentic activity)",
  reason  = "the account shows {n} strong signals of coordinated automation: {signals}; two or more together show artificial amplification, which the platform's rules prohibit everywhere",
  when = function(r)
    local signals = bots.strong_signals(r)
    return #signals >= 2, { n = #signals, signals = util.and_list(signals) }
  end,
}

rule "pm.one_strong_signal" {
  outcome = "review",
  cites   = POLICY .. " (behaviour over time)",
  reason  = "the account shows one strong signal of automation: {signals}; alone, that is consistent with a busy person, a newsroom or a campaign, so a person should look at its behaviour over time",
  when = function(r)
    local signals = bots.strong_signals(r)
    return #signals == 1, { signals = util.and_list(signals) }
  end,
}

rule "pm.signals_missing" {
  outcome = "review",
  cites   = POLICY .. " (behaviour over time)",
  reason  = "the record lacks {unchecked}, so coordinated automation can be neither shown nor ruled out",
  when = function(r)
    local signals, unchecked = bots.strong_signals(r)
    if #signals >= 2 or #unchecked == 0 then return false end
    return true, { unchecked = util.and_list(unchecked) }
  end,
}

rule "pm.verified_publisher" {
  outcome = "keep",
  defeats = { "pm.coordinated_automation", "pm.one_strong_signal" },
  cites   = POLICY .. " (coordinating to support a cause, and running related accounts, are allowed)",
  reason  = "{handle} is a verified account whose only strong signals are volume and a network of related accounts: {signals}; that is how a newsroom or a campaign works, and its content is not duplicated nor does it score as a bot",
  when = function(r)
    local signals, unchecked, kinds = bots.strong_signals(r)
    if #signals == 0 or kinds.duplicates or kinds.score then return false end
    -- "not duplicated, not a bot" must be known, not assumed
    if util.contains(unchecked, "duplicate_content_ratio") or util.contains(unchecked, "bot_score") then
      return false
    end
    if r.verified ~= true and r.category_source ~= "platform_verified" then return false end
    return true, { handle = r.handle or tostring(r.id), signals = util.and_list(signals) }
  end,
}

rule "pm.weak_cues_only" {
  outcome = "keep",
  cites   = POLICY .. " (the platform's 2020 guidance on what does not show a bot)",
  reason  = "the account shows no strong signal of automation and only weak cues: {cues}; a numeric handle, a default avatar, a new account or few followers do not by themselves show automation",
  when = function(r, ctx)
    local signals, unchecked = bots.strong_signals(r)
    if #signals > 0 or #unchecked > 0 then return false end
    local cues = bots.weak_cues(r, ctx.as_of)
    return #cues > 0, { cues = util.and_list(cues) }
  end,
}
