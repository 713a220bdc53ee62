-- speech: what a post's labels and text say, shared by the policies that
-- judge content.
--
-- Labels (BRIEF §C, posts[].labels) describe the post's text, quoted text
-- included; `context` says whose voice it is:
--   speech_level   discussion | advocacy | incitement | unknown
--   violence_call  true when the text calls for violence or threatens it
--                  (a direct threat against a person or group counts)
--   context        original | commentary (the account's own voice)
--                  reporting | condemnation (someone else's words, reported
--                  or condemned)
--   confidence     the labeller's confidence in [0, 1]
--   interest       the s.69A(1) interest inciting content bears on, when the
--                  labeller recorded one (see speech.INTERESTS)
--
-- The text helpers use the lexicons `violence` and `threat`, so only a
-- policy that declares both may call them.

speech = {}

-- Below this confidence a label is not relied on.
speech.MIN_CONFIDENCE = 0.6

-- The interests of s.69A(1) IT Act 2000, in the section's order, with the
-- words a reason uses for each.
speech.INTEREST_ORDER = { "sovereignty_integrity", "defence", "security_of_state",
                          "friendly_relations", "public_order", "incitement_offence" }
speech.INTERESTS = {
  sovereignty_integrity = "the sovereignty and integrity of India",
  defence               = "the defence of India",
  security_of_state     = "the security of the State",
  friendly_relations    = "friendly relations with foreign States",
  public_order          = "public order",
  incitement_offence    = "incitement to a cognizable offence relating to these interests",
}

local OWN_VOICE = { original = true, commentary = true }
local REPORTED  = { reporting = true, condemnation = true }
local PROTECTED_LEVEL = { discussion = true, advocacy = true }

-- Does the post incite: a call to violence or a threat, or labelled incitement?
function speech.incites(p)
  local l = p.labels
  if l == nil then return false end
  return l.violence_call == true or l.speech_level == "incitement"
end

-- Is the post, by its labels, discussion or advocacy with no call to violence?
function speech.protected(p)
  local l = p.labels
  if l == nil then return false end
  return PROTECTED_LEVEL[l.speech_level] == true and l.violence_call == false
end

-- Is it the account's own voice? (nil when the context label is absent)
function speech.own_voice(p)
  local c = p.labels and p.labels.context
  if c == nil then return nil end
  return OWN_VOICE[c] == true
end

-- Does the post report, quote or condemn the words it contains?
function speech.reported(p)
  local c = p.labels and p.labels.context
  return c ~= nil and REPORTED[c] == true
end

-- Which labels needed to tell discussion from incitement are absent?
-- Returns a list of label names (empty when the post is usable).
function speech.absent_labels(p)
  local l = p.labels
  if l == nil then return { "labels" } end
  local absent = {}
  if l.speech_level == nil then absent[#absent + 1] = "speech_level" end
  if l.violence_call == nil then absent[#absent + 1] = "violence_call" end
  if #absent == 0 and speech.incites(p) and l.context == nil then
    absent[#absent + 1] = "context"
  end
  return absent
end

-- Why the post's label cannot be relied on, or nil: "speech level unknown",
-- "confidence 0.41".
function speech.doubt(p)
  local l = p.labels
  if l == nil then return nil end
  if l.speech_level == "unknown" then return "speech level unknown" end
  local c = l.confidence
  if c ~= nil and c < speech.MIN_CONFIDENCE then
    return string.format("confidence %.2f", c)
  end
  return nil
end

-- Does the post's inciting content bear on the interest? A call to violence
-- bears on public order, and is itself incitement to a cognizable offence;
-- otherwise the labelled interest decides.
function speech.bears_on(p, interest)
  local l = p.labels
  if l.violence_call == true and (interest == "public_order" or interest == "incitement_offence") then
    return true
  end
  local i = l.interest
  if interest == "incitement_offence" then
    return i ~= nil and i ~= "incitement_offence" and speech.INTERESTS[i] ~= nil
  end
  return i == interest
end

-- The s.69A(1) interests an inciting post bears on, as a list.
function speech.interests(p)
  local out = {}
  for _, i in ipairs(speech.INTEREST_ORDER) do
    if speech.bears_on(p, i) then out[#out + 1] = i end
  end
  return out
end

-- The first term of the violence or threat lexicon in the post's text, and
-- the lexicon's name; nil when neither matches.
function speech.term(p)
  local text = p.text
  local t = lexicon.violence:find(text)
  if t then return t, "violence" end
  t = lexicon.threat:find(text)
  if t then return t, "threat" end
  return nil
end

-- What inciting content the post contains, for a reason:
-- 'a call to violence ("burn the police station")', 'a direct threat ("...")',
-- 'incitement (per its label; no listed phrase in the text)'.
function speech.finding(p)
  local term, list = speech.term(p)
  local what
  if p.labels.violence_call == true then
    what = list == "threat" and "a direct threat" or
           list == "violence" and "a call to violence" or "a call to violence or a threat"
  else
    what = "incitement"
  end
  if term then
    return what .. ' ("' .. term .. '")'
  end
  return what .. " (per its label; no listed phrase in the text)"
end

-- Language codes a reason spells out.
speech.LANGUAGES = { en = "English", hi = "Hindi", pa = "Punjabi", ur = "Urdu" }

-- "p1 in Hindi", or "p1" when the post's language is not recorded.
function speech.label_of(p)
  local lang = p.language
  if lang == nil then return tostring(p.id) end
  return tostring(p.id) .. " in " .. (speech.LANGUAGES[lang] or lang)
end

-- "post p1" / "posts p1 and p2", for a reason.
function speech.posts_phrase(ids)
  if #ids == 1 then return "post " .. tostring(ids[1]) end
  return "posts " .. util.and_list(ids)
end

-- "post p1 lacks" / "posts p1 and p2 lack": a subject and its verb.
function speech.subject(ids, singular, plural)
  return speech.posts_phrase(ids) .. " " .. (#ids == 1 and singular or plural)
end

-- The ids of a list of posts.
function speech.ids(posts)
  local out = {}
  for _, p in ipairs(posts) do out[#out + 1] = p.id end
  return out
end
