-- Account-level measures, only where DSA Art. 23 calls for them: an account
-- that frequently provides manifestly illegal content is first warned, and
-- then suspended for a reasonable period (Art. 23(1)). "Frequently" is
-- this platform's threshold under Art. 23(3)'s criteria: this notice's
-- item makes at least three manifestly illegal items in twelve months.
-- The suspension lasts 30 days. Neither rule has an outcome: they decide
-- nothing about the notified post, and add their measure to whatever is
-- decided. The exemptions set them aside with the grounds (what is exempt
-- is not illegal content here), and so does an unconfirmed assessment.

local THRESHOLD = 3   -- items within 12 months, this one included

-- The manifestly illegal posts of r and the count they make, or nil when
-- there are none or the count is under the threshold.
local function repeated(r)
  local posts = dsa.posts_where(r, function(a) return a.manifest == true and dsa.ILLEGAL[a.category] end)
  if #posts == 0 then return nil end
  local pv = r.account.previous_violations
  local count = (pv and pv.manifestly_illegal_12m or 0) + 1
  if count < THRESHOLD then return nil end
  return posts, count
end

rule "acct.art23_suspend" {
  cites    = "Regulation (EU) 2022/2065 (DSA), Art. 23(1) and 23(3)",
  reason   = "post {posts} is manifestly illegal and makes {count} such items from {handle} in twelve months, after a prior warning; the account is suspended for 30 days (DSA Art. 23(1))",
  measures = { action = "suspend_account", targets = { account = "r.account.id" }, scope = "*",
               ["until"] = { after = "r.notice.received_at", days = 30 } },
  when = function(r)
    local posts, count = repeated(r)
    if posts == nil or r.account.warned ~= true then return false end
    return true, { posts = dsa.ids(posts), count = count, handle = r.account.handle or r.account.id }
  end,
}

rule "acct.art23_warn" {
  cites    = "Regulation (EU) 2022/2065 (DSA), Art. 23(1) and 23(3)",
  reason   = "post {posts} is manifestly illegal and makes {count} such items from {handle} in twelve months; the account has not been warned before, so it is warned that another will suspend it (DSA Art. 23(1))",
  measures = { action = "warn_account", targets = { account = "r.account.id" }, scope = "*" },
  when = function(r)
    local posts, count = repeated(r)
    if posts == nil or r.account.warned == true then return false end
    return true, { posts = dsa.ids(posts), count = count, handle = r.account.handle or r.account.id }
  end,
}
