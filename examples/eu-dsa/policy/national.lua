-- National-law grounds: content illegal under one member state's law is
-- disabled in that member state only, and the uploader is told why.
--
-- Each fires when the notice invokes that law and a notified post is
-- assessed as the content the provision describes. The 24-hour deadline
-- is this platform's own target for acting on a complete notice of such
-- content (modelled on the former NetzDG §3(2) no. 2 for manifestly
-- unlawful content); the DSA itself asks for a timely, diligent decision
-- (Art. 16(6)). Journalism and satire set these grounds aside
-- (exemptions.lua), unless an exception holds (exceptions.lua).

local UPLOADER = { action = "notify_uploader", targets = { account = "r.account.id" }, scope = "*" }

rule "de.stgb130" {
  outcome  = "disable",
  cites    = "Strafgesetzbuch (StGB) §130(1) (Volksverhetzung); Regulation (EU) 2022/2065 (DSA), Art. 16(6) and 17(1)(a)",
  reason   = "post {posts} incites hatred against a {group} group, which StGB §130(1) makes an offence in Germany, as notice {notice} says; access is disabled in DE within 24 hours of the notice's receipt",
  measures = {
    { action = "disable_content", targets = { post = "evidence.posts" }, scope = "DE",
      due = { after = "r.notice.received_at", hours = 24 } },
    UPLOADER,
  },
  when = function(r)
    if not dsa.invokes(r, "DE-StGB-130") then return false end
    local posts = dsa.posts_where(r, function(a)
      return a.category == "incitement_to_hatred" and a.target_group ~= nil end)
    if #posts == 0 then return false end
    local group = posts[1].assessment.target_group:gsub("_", " ")
    return true, { posts = dsa.ids(posts), group = group, notice = r.notice.id }
  end,
}

rule "fr.cp421_2_5" {
  outcome  = "disable",
  cites    = "Code pénal, art. 421-2-5 (provocation directe à des actes de terrorisme, apologie de ces actes); Regulation (EU) 2022/2065 (DSA), Art. 16(6) and 17(1)(a)",
  reason   = "post {posts} directly provokes acts of terrorism or publicly condones them, an offence in France under Code pénal art. 421-2-5, as notice {notice} says; access is disabled in FR within 24 hours of the notice's receipt",
  measures = {
    { action = "disable_content", targets = { post = "evidence.posts" }, scope = "FR",
      due = { after = "r.notice.received_at", hours = 24 } },
    UPLOADER,
  },
  when = function(r)
    if not dsa.invokes(r, "FR-CP-421-2-5") then return false end
    local posts = dsa.posts_in(r, "terrorist_provocation")
    if #posts == 0 then return false end
    return true, { posts = dsa.ids(posts), notice = r.notice.id }
  end,
}
