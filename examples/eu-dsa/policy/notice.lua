-- Notice: what DSA Art. 16 asks of a notice, and the decision's notification
-- to the notifier.
--
-- A notice that lacks an element of Art. 16(2) does not by itself give the
-- provider actual knowledge of illegal content (Art. 16(3)); the policy then
-- does not act on the national-law grounds the notice invokes without a
-- person's review. The terms of service are the platform's own and still
-- apply. Removal orders are not Art. 16 notices: what they must contain is
-- the TCO Regulation's business (eu.lua).

local LEGAL_NOTICE = { ["DE-StGB-130"] = true, ["FR-CP-421-2-5"] = true, other = true }

local function blank(s) return s == nil or s:match("^%s*$") ~= nil end

rule "notice.incomplete" {
  outcome = "review",
  defeats = { "de.*", "fr.*" },
  cites   = "Regulation (EU) 2022/2065 (DSA), Art. 16(2) and 16(3)",
  reason  = "notice {notice} invokes {law} but lacks {missing}; a notice without the elements of DSA Art. 16(2) does not by itself give actual knowledge of illegal content (Art. 16(3)), so a person reviews it before anything is done under that law",
  when = function(r)
    local n = r.notice
    if n.kind ~= "notice" or not LEGAL_NOTICE[n.law] then return false end
    local missing = {}
    if blank(n.explanation) then missing[#missing + 1] = "an explanation of why the content is illegal (Art. 16(2)(a))" end
    if n.locations == nil or #n.locations == 0 then missing[#missing + 1] = "the exact location of the content (Art. 16(2)(b))" end
    if blank(n.notifier.name) then missing[#missing + 1] = "the notifier's name (Art. 16(2)(c))" end
    if n.good_faith ~= true then missing[#missing + 1] = "a statement of good faith (Art. 16(2)(d))" end
    if #missing == 0 then return false end
    return true, { notice = n.id, law = n.law, missing = dsa.and_list(missing) }
  end,
}

-- No outcome: it decides nothing, it adds the duty that goes with every
-- decision on a notice, whatever the decision is.
rule "notice.inform_notifier" {
  cites    = "Regulation (EU) 2022/2065 (DSA), Art. 16(5) and 16(6)",
  reason   = "notifier {notifier} gave an electronic contact address; the notifier is told of the decision on notice {notice} without undue delay, with the possibilities for redress and whether automated means were used (DSA Art. 16(5), 16(6))",
  measures = { action = "notify_notifier", targets = { notifier = "r.notice.notifier.id" }, scope = "*" },
  when = function(r)
    local n = r.notice
    if n.kind ~= "notice" or n.notifier.contact ~= true then return false end
    return true, { notifier = n.notifier.id, notice = n.id }
  end,
}
