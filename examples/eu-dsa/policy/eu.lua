-- EU law: removal orders under the TCO Regulation (Regulation (EU)
-- 2021/784), and the DSA Art. 18 duty to report threats to life or safety.
--
-- A removal order is the issuing authority's assessment, not the
-- platform's: the content it names is removed or disabled in all member
-- states within one hour of the order's receipt (TCO Art. 3(3)), whatever
-- the post's own assessment or genre says, so no exemption sets this rule
-- aside. (The content provider may contest the order; TCO Art. 1(3) keeps
-- journalism, art and research out of "terrorist content", but that is for
-- the authority and the courts to weigh, not for this policy.)

rule "eu.tco_removal_order" {
  outcome  = "remove",
  cites    = "Regulation (EU) 2021/784 (TCO), Art. 3(3), 3(6) and 11(1)",
  reason   = "removal order {order} of {authority} ({state}) names post {posts} as terrorist content; it is removed or disabled in all member states within one hour of the order's receipt ({received}), the authority is told once it is done, and the uploader is told it was removed",
  measures = {
    { action = "remove_content", targets = { post = "evidence.posts" }, scope = "EU",
      due = { after = "evidence.received", hours = 1 } },
    { action = "notify_uploader", targets = { account = "r.account.id" }, scope = "*" },
    { action = "notify_notifier", targets = { authority = "r.notice.notifier.id" }, scope = "*" },
  },
  when = function(r)
    local n = r.notice
    if n.kind ~= "removal_order" or n.law ~= "EU-TCO" or n.order == nil then return false end
    local posts = r.posts or {}
    if #posts == 0 then return false end
    return true, { posts = dsa.ids(posts), order = n.id, authority = n.order.authority,
                                    state = n.order.member_state, received = n.received_at }
  end,
}

-- No outcome: it decides nothing about the post; it adds the report that
-- goes with whatever is decided.
rule "eu.art18_threat" {
  cites    = "Regulation (EU) 2022/2065 (DSA), Art. 18(1) and 18(2)",
  reason   = "post {posts} contains a credible threat to the life or safety of a person; the suspicion is reported promptly to the law enforcement or judicial authorities {where} (DSA Art. 18)",
  measures = { action = "report_to_authorities", targets = { post = "evidence.posts" },
               scope = "evidence.states" },
  when = function(r)
    local posts = dsa.posts_where(r, function(a) return a.credible_threat == true end)
    if #posts == 0 then return false end
    local state = r.notice.member_state
    local where = state and ("of " .. state .. ", the member state concerned")
                  or "of the member state of establishment or Europol, as the member state concerned is not known (Art. 18(2))"
    return true, { posts = dsa.ids(posts), states = state or "EU", where = where }
  end,
}
