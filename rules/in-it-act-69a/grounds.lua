-- Grounds: reasons to withhold under s.69A(1) IT Act 2000, and the order's
-- allegations that call for a person's judgement.
--
-- s.69A(1) lets the Central Government direct blocking when it is satisfied
-- that this is necessary or expedient in the interest of six things. Read
-- with Art. 19(2) as Shreya Singhal v. Union of India, (2015) 5 SCC 1 reads
-- it, only speech that reaches incitement may be restricted; discussion and
-- advocacy, however unpopular, may not. So each ground below fires when
--   (a) the order states that interest among its grounds, and
--   (b) a post contains incitement (labels.speech_level "incitement", or
--       labels.violence_call) bearing on that interest.
-- A call to violence bears on public order and is itself incitement to a
-- cognizable offence; other interests come from labels.interest.
-- Whose voice the post is in is for the exemptions (ex.reporting) and the
-- exception (exx.explicit_violence) to weigh; a post whose voice is not
-- labelled at all (no labels.context) is left to review.unlabelled, since it
-- may be a report of someone else's words.

local IN_FORCE = { from = "2009-10-27" }   -- s.69A, inserted by the IT (Amendment) Act 2008

local function interest_ground(interest, cites, reason)
  rule("ground." .. interest) {
    outcome  = "withhold",
    cites    = cites,
    reason   = reason or ("post {post} contains {finding}, bearing on " .. speech.INTERESTS[interest] ..
               ", which order {order} invokes; incitement of that kind may be blocked in India under s.69A(1)"),
    in_force = IN_FORCE,
    when = function(r, ctx)
      local o = ctx.order
      if o == nil or not orders.states(o, interest) then return false end
      local found   -- the first such post, preferring one in the account's own voice
      for _, p in ipairs(r.posts or {}) do
        if speech.incites(p) then
          local own = speech.own_voice(p)   -- nil when the voice is not labelled
          if own ~= nil and speech.bears_on(p, interest) then
            if own then found = p; break end
            found = found or p
          end
        end
      end
      if found == nil then return false end
      return true, { post = found.id, finding = speech.finding(found), order = orders.name(o) }
    end,
  }
end

interest_ground("sovereignty_integrity",
  "IT Act 2000, s.69A(1): in the interest of the sovereignty and integrity of India; Constitution of India, Art. 19(2)")
interest_ground("defence",
  "IT Act 2000, s.69A(1): in the interest of the defence of India")
interest_ground("security_of_state",
  "IT Act 2000, s.69A(1): in the interest of the security of the State; Constitution of India, Art. 19(2)")
interest_ground("friendly_relations",
  "IT Act 2000, s.69A(1): in the interest of friendly relations with foreign States; Constitution of India, Art. 19(2)")
interest_ground("public_order",
  "IT Act 2000, s.69A(1): in the interest of public order; Constitution of India, Art. 19(2); Shreya Singhal v. Union of India, (2015) 5 SCC 1")
interest_ground("incitement_offence",
  "IT Act 2000, s.69A(1): preventing incitement to the commission of any cognizable offence relating to the above; Constitution of India, Art. 19(2)",
  "post {post} contains {finding}, incitement to a cognizable offence relating to the interests s.69A(1) protects, which order {order} invokes; it may be blocked in India under s.69A(1)")

-- Allegations about the speaker. They are not grounds in themselves, but an
-- order resting on them cannot be answered from the posts alone: a person
-- must weigh the government's material. The content exemptions do not set
-- these aside (they concern the speaker, not what was said); the press and
-- politics exemption does.

rule "allegation.foreign_backed" {
  outcome  = "review",
  cites    = "IT Act 2000, s.69A(1): the government must be satisfied that blocking is necessary for a listed interest; Shreya Singhal v. Union of India, (2015) 5 SCC 1",
  reason   = "order {order} alleges that the account is foreign-backed, and its operating country is {country}; who is behind an account is not itself a ground under s.69A(1), which reaches content only where blocking is necessary for a listed interest, so the material behind the allegation must be weighed by a person",
  in_force = IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or not orders.alleges(o, "foreign_backed") then return false end
    local country = r.inferred_operating_country
    if country == "IN" then return false end
    return true, { order = orders.name(o), country = country or "not recorded" }
  end,
}

rule "allegation.automation" {
  outcome  = "review",
  cites    = "IT Act 2000, s.69A(1): the government must be satisfied that blocking is necessary for a listed interest",
  reason   = "order {order} alleges automated amplification, and the record bears it out: {signals}; automated amplification is not itself a ground under s.69A(1), so whether blocking is necessary needs a person's judgement, alongside the platform-manipulation policy",
  in_force = IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or not orders.alleges(o, "automated_bot") then return false end
    local automated, signals = bots.is_automated(r)
    return automated, { order = orders.name(o), signals = util.and_list(signals) }
  end,
}

rule "allegation.automation_untested" {
  outcome  = "review",
  cites    = "IT Act 2000, s.69A(1): the government must be satisfied that blocking is necessary for a listed interest",
  reason   = "order {order} alleges automated amplification, but the record holds no automation signals (bot_signals) to test the allegation against",
  in_force = IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or not orders.alleges(o, "automated_bot") then return false end
    return r.bot_signals == nil, { order = orders.name(o) }
  end,
}
