-- lib: helpers the eu-dsa rules share: the notified posts by what their
-- assessment says, lists for reasons, and the notice's own facts.
--
-- Loaded first by the manifest; like every table built while a policy
-- loads, `dsa` is frozen afterwards.

dsa = {}

-- The posts of r whose assessment satisfies test(a, p), in record order.
function dsa.posts_where(r, test)
  local out = {}
  for _, p in ipairs(r.posts or {}) do
    local a = p.assessment
    if a ~= nil and test(a, p) then out[#out + 1] = p end
  end
  return out
end

-- The posts of r assessed as `category`.
function dsa.posts_in(r, category)
  return dsa.posts_where(r, function(a) return a.category == category end)
end

-- The ids of a list of posts.
function dsa.ids(posts)
  local out = {}
  for i, p in ipairs(posts) do out[i] = p.id end
  return out
end

-- "a, b and c": list items joined for a sentence.
function dsa.and_list(list)
  local n = #list
  if n <= 1 then return n == 1 and tostring(list[1]) or "" end
  local head = {}
  for i = 1, n - 1 do head[i] = tostring(list[i]) end
  return table.concat(head, ", ") .. " and " .. tostring(list[n])
end

-- Does the notice invoke `law`? Removal orders invoke EU-TCO.
function dsa.invokes(r, law)
  return r.notice ~= nil and r.notice.law == law
end

-- Is the genre of a post's assessment one of the given?
function dsa.genre_in(a, genres)
  for _, g in ipairs(genres) do
    if a.genre == g then return true end
  end
  return false
end

-- Is the content in this category illegal, as opposed to against the terms
-- only? (Art. 23 counts only illegal content.)
dsa.ILLEGAL = { incitement_to_hatred = true, terrorist_provocation = true, terrorist_content = true }
