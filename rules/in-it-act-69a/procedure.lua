-- Procedure: checks on the order itself (ctx.order), from s.69A and the
-- Blocking Rules 2009 (Information Technology (Procedure and Safeguards for
-- Blocking for Access of Information by Public) Rules, 2009, G.S.R. 781(E),
-- in force from 27 October 2009).
--
-- A direction binds until it is revoked or set aside: s.69A(3) makes
-- failing to comply an offence, and in X Corp v. Union of India (Karnataka
-- High Court, W.P. 13710/2022, 30 June 2023; appeal pending) the court
-- dismissed the intermediary's challenge and imposed costs for delayed
-- compliance. So a defect here never keeps an account up. Two kinds:
--   - a defect on the face of the order that goes to whether it is a
--     direction under s.69A at all (no reasons recorded, no s.69A interest
--     stated, an issuer or a route the rules do not allow, an emergency
--     direction not put to the committee in time): the proc.* rules send
--     the account to review and set the compliance rules aside, so the legal
--     team decides before anything is done;
--   - a defect that is a ground to contest a direction that still binds
--     (the user not heard, reasons not communicated): contest.lua records it
--     and the platform complies meanwhile.
-- What the intermediary cannot see is not a defect: Rule 16 keeps requests
-- and actions confidential, so an order that does not say whether the
-- request came through a nodal officer is not irregular for that.

local RULES_IN_FORCE = { from = "2009-10-27" }   -- G.S.R. 781(E); s.69A as amended in 2008
local COMPLIANCE = { "ground.*", "comply.*" }

rule "proc.no_reasons" {
  outcome  = "review",
  defeats  = COMPLIANCE,
  cites    = "IT Act 2000, s.69A(1): for reasons to be recorded in writing; Shreya Singhal v. Union of India, (2015) 5 SCC 1",
  reason   = "order {order} states that no reasons were recorded in writing{rule9}; s.69A(1) requires them, and Shreya Singhal upheld the section because recorded reasons let the order be tested in court, so whether to comply is for the legal team",
  in_force = RULES_IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or o.reasons_recorded ~= false then return false end   -- unknown: not communicated
    local rule9 = o.order_type == "emergency_rule9"
      and " (for an emergency direction, rule 9(2) requires the Designated Officer to record them)" or ""
    return true, { order = orders.name(o), rule9 = rule9 }
  end,
}

rule "proc.ground_outside_69a" {
  outcome  = "review",
  defeats  = COMPLIANCE,
  cites    = "IT Act 2000, s.69A(1); Constitution of India, Art. 19(2); Shreya Singhal v. Union of India, (2015) 5 SCC 1",
  reason   = "order {order} {finding}; s.69A(1) allows blocking only in the interest of the sovereignty and integrity of India, the defence of India, the security of the State, friendly relations with foreign States or public order, or to prevent incitement to a related cognizable offence, so whether this is a direction under s.69A at all is for the legal team",
  in_force = RULES_IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil then return false end
    local stated = o.stated_grounds
    local inside = util.filter_in(stated, orders.S69A_GROUNDS)
    if #inside > 0 then return false end
    local outside = util.filter_out(stated, orders.S69A_GROUNDS)
    local finding = "states no ground at all"
    if #outside > 0 then
      finding = "states as its grounds only " .. util.and_list(outside) .. ", which s.69A(1) does not list"
    end
    return true, { order = orders.name(o), grounds = outside, finding = finding }
  end,
}

local ISSUERS = util.set { "secretary", "designated_officer" }

rule "proc.unauthorised_issuer" {
  outcome  = "review",
  defeats  = COMPLIANCE,
  cites    = "IT Act 2000, s.69A(1): the Central Government or an officer specially authorised; Blocking Rules 2009, r.6 and r.10 (G.S.R. 781(E))",
  reason   = "order {order} is irregular on its face: {defects}; whether it binds is for the legal team",
  in_force = RULES_IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil then return false end
    local defects = {}
    local role = o.issuer_role
    if role ~= nil and not ISSUERS[role] then
      defects[#defects + 1] = "it was issued by " .. role .. ", not by the Secretary or the Designated Officer"
    end
    -- Rule 6: a request reaches the Designated Officer through a nodal
    -- officer; rule 10: or the Designated Officer acts on a court's order.
    -- Only a request the order itself says came another way is irregular.
    if o.request_via_nodal_officer == false and o.order_type ~= "court_order_rule10" then
      defects[#defects + 1] = "it says the request did not reach the Designated Officer through a nodal officer, as rule 6 requires, and it is not made on a court's order under rule 10"
    end
    if #defects == 0 then return false end
    return true, { order = orders.name(o), defects = table.concat(defects, "; ") }
  end,
}

rule "proc.emergency_unreviewed" {
  outcome  = "review",
  defeats  = COMPLIANCE,
  cites    = "Blocking Rules 2009, r.9(3) (G.S.R. 781(E))",
  reason   = "emergency direction {order} was issued at {issued} and {finding}; rule 9(3) requires it to be put before the committee within 48 hours, so whether the interim direction still binds is for the legal team",
  in_force = RULES_IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or o.order_type ~= "emergency_rule9" then return false end
    if o.final_decision == "approved" then return false end   -- a final order now carries it
    local issued = o.issued_at
    if issued == nil then return false end
    local considered = o.committee_considered_at
    local finding
    if considered == nil then
      local hours = util.hours_between(issued, ctx.as_of)
      if hours == nil or hours <= 48 then return false end
      finding = "had not been put before the committee by " .. ctx.as_of
    else
      local hours = util.hours_between(issued, considered)
      if hours == nil or hours <= 48 then return false end
      finding = "reached the committee only at " .. considered .. ", " .. hours .. " hours later"
    end
    return true, { order = orders.name(o), issued = issued, finding = finding }
  end,
}
