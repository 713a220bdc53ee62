-- Exemptions: content that the national-law grounds do not reach. Each keeps
-- the posts (no_action) and sets aside the grounds under member-state law
-- (de.*, fr.*) and, with them, the Art. 23 account measures. They do not
-- set aside the terms of service (tos.*), a TCO removal order (the
-- authority's assessment; see eu.lua) or the Art. 18 report of a threat.
--
-- An exemption holds when every notified post assessed as illegal under
-- one of those laws is of its genre: one post outside it is enough for the
-- ground to stand.

local NATIONAL = { incitement_to_hatred = true, terrorist_provocation = true }

local function all_in_genre(r, genres)
  local posts = dsa.posts_where(r, function(a) return NATIONAL[a.category] end)
  if #posts == 0 then return false end
  for _, p in ipairs(posts) do
    if not dsa.genre_in(p.assessment, genres) then return false end
  end
  return true, posts
end

rule "ex.journalism" {
  outcome = "no_action",
  defeats = { "de.*", "fr.*", "acct.*" },
  cites   = "Charter of Fundamental Rights of the EU, Art. 11 (freedom of expression and information; freedom and pluralism of the media)",
  reason  = "post {posts} reports on the words the notice objects to rather than adopting them; journalism about such content is not treated as the offence itself, and is left up",
  when = function(r)
    local ok, posts = all_in_genre(r, { "journalism" })
    if not ok then return false end
    return true, { posts = dsa.ids(posts) }
  end,
}

rule "ex.satire" {
  outcome = "no_action",
  defeats = { "de.*", "fr.*", "acct.*" },
  cites   = "Charter of Fundamental Rights of the EU, Art. 11 (freedom of expression) and Art. 13 (freedom of the arts)",
  reason  = "post {posts} is satire or parody: it exaggerates the words the notice objects to in order to mock them, not to make their case; it is left up",
  when = function(r)
    local ok, posts = all_in_genre(r, { "satire", "parody" })
    if not ok then return false end
    return true, { posts = dsa.ids(posts) }
  end,
}
