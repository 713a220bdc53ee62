-- Review: what the rules cannot settle from the record, so a person must.
--
-- These rules exist so that no account is decided on posts that could not
-- be read reliably: absent or unknown labels, labels below the confidence
-- threshold, labels that the text contradicts, or incitement on an
-- interest the order does not invoke. They set aside comply.named: whether
-- the order reaches none of the posts cannot be said then, so a person must
-- say what compliance asks. Posts the order does reach are still withheld
-- (withhold outranks review). The decision lists the missing facts
-- (`missing`) that would settle the question. Only the scope and
-- restoration rules set these aside (the order then asks nothing of the
-- account).

local SHREYA = "Shreya Singhal v. Union of India, (2015) 5 SCC 1: only speech that reaches incitement may be restricted"

rule "review.no_posts" {
  outcome = "review",
  defeats = { "comply.named" },
  cites   = SHREYA,
  reason  = "the record holds no posts, so whether the account's speech reaches incitement cannot be judged",
  when = function(r)
    return r.posts == nil
  end,
}

rule "review.unlabelled" {
  outcome = "review",
  defeats = { "comply.named" },
  cites   = SHREYA,
  reason  = "{subject} the labels needed to tell discussion from incitement (absent: {absent}); a person must read the text",
  when = function(r)
    local posts, absent, seen = {}, {}, {}
    for _, p in ipairs(r.posts or {}) do
      local a = speech.absent_labels(p)
      if #a > 0 then
        posts[#posts + 1] = p.id
        for _, name in ipairs(a) do
          if not seen[name] then seen[name] = true; absent[#absent + 1] = name end
        end
      end
    end
    if #posts == 0 then return false end
    return true, { posts = posts, subject = speech.subject(posts, "lacks", "lack"),
                   absent = util.and_list(absent) }
  end,
}

rule "review.uncertain_label" {
  outcome = "review",
  defeats = { "comply.named" },
  cites   = SHREYA,
  reason  = "the labels of {subject} cannot be relied on ({doubts}); a person who reads the language must decide whether the text incites",
  when = function(r)
    local posts, doubts = {}, {}
    for _, p in ipairs(r.posts or {}) do
      local doubt = speech.doubt(p)
      if doubt then
        posts[#posts + 1] = p.id
        doubts[#doubts + 1] = speech.label_of(p) .. ": " .. doubt
      end
    end
    if #posts == 0 then return false end
    return true, { posts = posts, subject = speech.posts_phrase(posts),
                   doubts = table.concat(doubts, "; ") }
  end,
}

rule "review.label_conflict" {
  outcome = "review",
  defeats = { "comply.named" },
  cites   = SHREYA,
  reason  = "post {post} is labelled {level} with no call to violence, but its text contains \"{term}\" from the {list} word list and it is not marked as reporting or condemnation; a person must decide whether it incites",
  when = function(r)
    for _, p in ipairs(r.posts or {}) do
      if speech.protected(p) and not speech.reported(p) then
        local term, list = speech.term(p)
        if term then
          return true, { post = p.id, level = p.labels.speech_level, term = term, list = list }
        end
      end
    end
    return false
  end,
}

rule "review.unstated_interest" {
  outcome = "review",
  defeats = { "comply.named" },
  cites   = "IT Act 2000, s.69A(1): blocking only for an interest the order relies on",
  reason  = "post {post} contains {finding} bearing on {bears}, but order {order} {invokes}; it cannot be blocked on a ground the order does not give, so a person must decide",
  in_force = { from = "2009-10-27" },
  when = function(r, ctx)
    local o = ctx.order
    if o == nil then return false end
    local function within_order(p)
      return any(o.stated_grounds, function(g)
        return speech.INTERESTS[g] ~= nil and speech.bears_on(p, g)
      end)
    end
    for _, p in ipairs(r.posts or {}) do
      if speech.incites(p) and not speech.reported(p) and not within_order(p) then
        local words = {}
        for _, i in ipairs(speech.interests(p)) do
          if i ~= "incitement_offence" then words[#words + 1] = speech.INTERESTS[i] end
        end
        return true, { post = p.id, finding = speech.finding(p),
                       bears = #words > 0 and util.and_list(words) or "no interest its labels record",
                       order = orders.name(o), invokes = orders.invokes(o) }
      end
    end
    return false
  end,
}
