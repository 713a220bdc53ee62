-- Grounds: the posts a valid order's stated interests reach.
--
-- s.69A(1) lets the Central Government direct blocking when it is satisfied
-- that this is necessary or expedient in the interest of six things. Read
-- with Art. 19(2), only speech that reaches incitement bears on them:
-- Shreya Singhal v. Union of India, (2015) 5 SCC 1, drew the line between
-- discussion, advocacy and incitement in striking down s.66A, and applying
-- that line to s.69A is this policy's reading, not a holding. So each ground
-- fires when
--   (a) the order states that interest among its grounds, and
--   (b) posts contain incitement (labels.speech_level "incitement", or
--       labels.violence_call) bearing on that interest, whoever's voice.
-- It withholds those posts in India, not the account: the least restrictive
-- measure that carries out the direction (Anuradha Bhasin v. Union of India,
-- (2020) 3 SCC 637). Where the order directs whole accounts, or the account
-- is itself the instrument, comply.lua withholds the account as well. A post
-- whose voice is not labelled (no labels.context) is left to
-- review.unlabelled, since it may be a report of someone else's words; a
-- post that only reports or condemns is still withheld here, and
-- contest.reporting records the ground to contest it.

local IN_FORCE = { from = "2009-10-27" }   -- s.69A, inserted by the IT (Amendment) Act 2008
local DUE = { after = "ctx.order.comply_by", optional = true }   -- the order's own period

grounds = {}

-- The posts that incite on the interest, their voice labelled.
function grounds.reached(r, interest)
  local found = {}
  for _, p in ipairs(r.posts or {}) do
    if speech.incites(p) and speech.own_voice(p) ~= nil and speech.bears_on(p, interest) then
      found[#found + 1] = p
    end
  end
  return found
end

local function interest_ground(interest, cites, bearing)
  rule("ground." .. interest) {
    outcome  = "withhold",
    cites    = cites .. "; Anuradha Bhasin v. Union of India, (2020) 3 SCC 637: the least restrictive measure",
    reason   = "{subject} {finding}, " .. bearing .. ", which order {order} invokes; under s.69A(1) such " ..
               "incitement is withheld in India, and withholding these posts, not the account, is the " ..
               "least restrictive measure that carries out the direction (Anuradha Bhasin)",
    measures = { action = "withhold_post", targets = { post = "evidence.posts" }, scope = "IN", due = DUE },
    in_force = IN_FORCE,
    when = function(r, ctx)
      local o = ctx.order
      if o == nil or not orders.states(o, interest) then return false end
      local found = grounds.reached(r, interest)
      if #found == 0 then return false end
      local ids = speech.ids(found)
      return true, { posts = ids, subject = speech.subject(ids, "contains", "contain"),
                     finding = speech.finding(found[1]), order = orders.name(o) }
    end,
  }
end

interest_ground("sovereignty_integrity",
  "IT Act 2000, s.69A(1): in the interest of the sovereignty and integrity of India; Constitution of India, Art. 19(2)",
  "bearing on the sovereignty and integrity of India")
interest_ground("defence",
  "IT Act 2000, s.69A(1): in the interest of the defence of India",
  "bearing on the defence of India")
interest_ground("security_of_state",
  "IT Act 2000, s.69A(1): in the interest of the security of the State; Constitution of India, Art. 19(2)",
  "bearing on the security of the State")
interest_ground("friendly_relations",
  "IT Act 2000, s.69A(1): in the interest of friendly relations with foreign States; Constitution of India, Art. 19(2)",
  "bearing on friendly relations with foreign States")
interest_ground("public_order",
  "IT Act 2000, s.69A(1): in the interest of public order; Constitution of India, Art. 19(2); Shreya Singhal v. Union of India, (2015) 5 SCC 1",
  "bearing on public order")
interest_ground("incitement_offence",
  "IT Act 2000, s.69A(1): preventing incitement to the commission of any cognizable offence relating to the above; Constitution of India, Art. 19(2)",
  "incitement to a cognizable offence relating to the interests s.69A(1) protects")

-- Does the order reach any of the account's posts, on any interest it states?
function grounds.any_reached(r, o)
  for _, interest in ipairs(speech.INTEREST_ORDER) do
    if orders.states(o, interest) and #grounds.reached(r, interest) > 0 then return true end
  end
  return false
end
