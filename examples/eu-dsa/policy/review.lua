-- Review: what the record cannot settle, for a person to decide. A TCO
-- removal order is not held back by any of these: it is the authority's
-- assessment and its one-hour deadline runs regardless.

rule "review.automated_unconfirmed" {
  outcome = "review",
  defeats = { "de.*", "fr.*", "tos.*", "acct.*" },
  cites   = "Regulation (EU) 2022/2065 (DSA), Art. 16(6) (decisions timely, diligent, non-arbitrary and objective; automated means disclosed)",
  reason  = "the assessment of notice {notice}'s content comes from automated detection and no moderator has confirmed it; a person decides before anything is restricted",
  when = function(r)
    local d = r.detection
    if r.notice.kind ~= "notice" or d == nil then return false end
    return d.automated_flag == true and d.human_reviewed ~= true, { notice = r.notice.id }
  end,
}

rule "review.unassessed" {
  outcome = "review",
  cites   = "Regulation (EU) 2022/2065 (DSA), Art. 16(6)",
  reason  = "post {posts} has not been assessed yet; a notice is decided on every item it names",
  when = function(r)
    if r.notice.kind ~= "notice" then return false end
    local posts = {}
    for _, p in ipairs(r.posts or {}) do
      if p.assessment == nil then posts[#posts + 1] = p end
    end
    return #posts > 0, { posts = dsa.ids(posts) }
  end,
}

rule "review.other_law" {
  outcome = "review",
  cites   = "Regulation (EU) 2022/2065 (DSA), Art. 16(6)",
  reason  = "notice {notice} invokes a law this policy does not encode{state}; the legal team assesses it",
  when = function(r)
    local n = r.notice
    if n.law ~= "other" then return false end
    return true, { notice = n.id, state = n.member_state and (" (" .. n.member_state .. ")") or "" }
  end,
}
