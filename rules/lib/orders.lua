-- orders: reading the blocking order in the context file (ctx.order).
--
-- The order's fields (see rules/in-it-act-69a/README.md):
--   id, issued_at, issuer_role, request_via_nodal_officer,
--   order_type (standard_rule8 | emergency_rule9), stated_grounds,
--   reasons_recorded, reasons_text, hearing_notice_sent_at,
--   committee_considered_at, final_decision (approved | not_approved |
--   pending), allegations, flagged_hashtags, accounts.
-- Reading an absent field lists it as ctx.order.FIELD in `missing`.

orders = {}

-- The grounds s.69A(1) knows, as stated_grounds spells them.
orders.S69A_GROUNDS = util.set(speech.INTEREST_ORDER)

-- Does the order state this s.69A(1) interest among its grounds?
function orders.states(o, interest)
  return util.contains(o.stated_grounds, interest)
end

-- Does the order make this allegation about the accounts?
function orders.alleges(o, allegation)
  return util.contains(o.allegations, allegation)
end

-- The order's id for a reason, or a description when it has none.
function orders.name(o)
  return o.id or "the order"
end

-- What the order invokes, as the end of a sentence: "invokes only public
-- order", "invokes no s.69A(1) interest".
function orders.invokes(o)
  local words = {}
  for _, g in ipairs(util.filter_in(o.stated_grounds, orders.S69A_GROUNDS)) do
    words[#words + 1] = speech.INTERESTS[g]
  end
  if #words == 0 then return "invokes no s.69A(1) interest" end
  return "invokes only " .. util.and_list(words)
end

-- Is the hashtag (without '#', any case) one the order names?
function orders.flags_hashtag(o, tag)
  local flagged = o.flagged_hashtags
  if flagged == nil or tag == nil then return false end
  local t = string.lower(tag)
  for _, f in ipairs(flagged) do
    if string.lower(f) == t then return true end
  end
  return false
end

-- Does the order name this account? A lookup, not a scan of the order's
-- list for every record (index, docs/policy.md): 20,000 named accounts cost
-- per record what 1,000 do.
function orders.names(o, id)
  return index(o.accounts):has(id)
end

-- Does the order direct the accounts it names to be blocked whole
-- (`level: account`)? Otherwise it directs the information its grounds
-- reach, and the least restrictive measure is the platform's to choose.
function orders.directs_accounts(o)
  return o.level == "account"
end

-- The order's own period for compliance, as the order states it.
function orders.period(o)
  return o.comply_by
end
