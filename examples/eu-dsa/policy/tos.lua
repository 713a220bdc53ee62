-- Terms-of-service grounds: the platform's own rules, applied everywhere
-- (scope "*") whatever law the notice invokes. DSA Art. 14 asks that the
-- terms say what is restricted and that they be applied diligently,
-- objectively and proportionately; Art. 17(1) lists the restrictions the
-- uploader must be given reasons for. The exemptions for journalism and
-- satire do not set these aside: they answer the national-law grounds.

local UPLOADER = { action = "notify_uploader", targets = { account = "r.account.id" }, scope = "*" }

-- Reporting with editorial context is not what the terms prohibit
-- (documentary and news use is allowed by each of these clauses).
local function reported(a)
  return a.genre == "journalism" and a.editorial_context == true
end

local function removal(id, category, clause, what)
  rule(id) {
    outcome  = "remove",
    cites    = "Terms of service, " .. clause .. "; Regulation (EU) 2022/2065 (DSA), Art. 14(1) and 17(1)(a)",
    reason   = "post {posts} is " .. what .. ", which the terms of service (" .. clause ..
               ") prohibit; it is removed everywhere",
    measures = { { action = "remove_content", targets = { post = "evidence.posts" }, scope = "*" }, UPLOADER },
    when = function(r)
      local posts = dsa.posts_where(r, function(a) return a.category == category and not reported(a) end)
      return #posts > 0, { posts = dsa.ids(posts) }
    end,
  }
end

removal("tos.hateful_conduct", "hateful_conduct", "§3.1", "hateful conduct")
removal("tos.violent_threat", "threat", "§3.2", "a threat of violence")
removal("tos.violent_extremism", "terrorist_content", "§3.3", "terrorist or violent extremist content")

rule "tos.graphic_violence" {
  outcome  = "restrict",
  cites    = "Terms of service, §4.1 (graphic violence behind a warning screen); Regulation (EU) 2022/2065 (DSA), Art. 14(1) and 17(1)(a)",
  reason   = "post {posts} shows graphic violence; the terms of service (§4.1) put it behind a warning screen and out of recommendations, everywhere",
  measures = { { action = "restrict_visibility", targets = { post = "evidence.posts" }, scope = "*" }, UPLOADER },
  when = function(r)
    local posts = dsa.posts_in(r, "graphic_violence")
    return #posts > 0, { posts = dsa.ids(posts) }
  end,
}

rule "tos.borderline" {
  outcome  = "restrict",
  cites    = "Terms of service, §4.2 (borderline content: reduced reach and no monetisation for 30 days); Regulation (EU) 2022/2065 (DSA), Art. 17(1)(a) and 17(1)(b)",
  reason   = "post {posts} comes close to the hateful-conduct line without crossing it; under the terms of service (§4.2) it is left out of recommendations and earns nothing for 30 days from the notice",
  measures = {
    { action = "restrict_visibility", targets = { post = "evidence.posts" }, scope = "*",
      ["until"] = { after = "r.notice.received_at", days = 30 } },
    { action = "demonetise", targets = { post = "evidence.posts" }, scope = "*",
      ["until"] = { after = "r.notice.received_at", days = 30 } },
    UPLOADER,
  },
  when = function(r)
    local posts = dsa.posts_in(r, "borderline")
    return #posts > 0, { posts = dsa.ids(posts) }
  end,
}
