-- Procedure: checks on the order itself (ctx.order), from s.69A and the
-- Blocking Rules 2009 (Information Technology (Procedure and Safeguards for
-- Blocking for Access of Information by Public) Rules, 2009, G.S.R. 781(E),
-- in force from 27 October 2009).
--
-- A procedural defect does not decide that an account stays up; it means
-- the order cannot simply be carried out, so each proc.* rule gives
-- `review` and sets aside the withhold grounds (ground.*). Two kinds:
--   - defects of the order as a whole (no written reasons, no s.69A ground,
--     an irregular issuer or request, an emergency direction not put to the
--     committee in time): the order goes back to the legal team before
--     anything is done on it, so these hold for every account it names,
--     even one the exemptions would keep;
--   - a missing hearing (proc.no_hearing) protects one originator from being
--     blocked unheard, so it matters only where the account would otherwise
--     be withheld: the exemptions set it aside.
--
-- restore.emergency_not_approved is different: once an emergency direction
-- is not approved, rule 9(4) revokes it and access must be restored, whatever
-- the merits.

local RULES_IN_FORCE = { from = "2009-10-27" }   -- G.S.R. 781(E); s.69A as amended in 2008

rule "proc.no_reasons" {
  outcome  = "review",
  defeats  = { "ground.*" },
  cites    = "IT Act 2000, s.69A(1): reasons to be recorded in writing; Blocking Rules 2009, r.9(2) (G.S.R. 781(E)); Shreya Singhal v. Union of India, (2015) 5 SCC 1",
  reason   = "order {order} does not set out reasons recorded in writing ({detail}); s.69A(1) requires them, and Shreya Singhal upheld the section because written reasons let the order be challenged in court, so the order cannot be carried out without legal review",
  in_force = RULES_IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil then return false end
    local detail
    if o.reasons_recorded ~= true then
      detail = "it does not record that reasons were given"
    else
      local text = o.reasons_text
      if text == nil or string.find(text, "%S") == nil then
        detail = "it says reasons were recorded but gives no text"
      end
    end
    if detail == nil then return false end
    return true, { order = orders.name(o), detail = detail }
  end,
}

rule "proc.ground_outside_69a" {
  outcome  = "review",
  defeats  = { "ground.*" },
  cites    = "IT Act 2000, s.69A(1); Constitution of India, Art. 19(2); Shreya Singhal v. Union of India, (2015) 5 SCC 1",
  reason   = "order {order} {finding}; s.69A(1) allows blocking only in the interest of the sovereignty and integrity of India, the defence of India, the security of the State, friendly relations with foreign States or public order, or to prevent incitement to a related cognizable offence, and defamation or misinformation cannot ground a blocking order",
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
  defeats  = { "ground.*" },
  cites    = "IT Act 2000, s.69A(1): the Central Government or an officer specially authorised; Blocking Rules 2009, r.6 (G.S.R. 781(E))",
  reason   = "order {order} is irregular on its face: {defects}",
  in_force = RULES_IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil then return false end
    local defects = {}
    local role = o.issuer_role
    if not ISSUERS[role] then
      defects[#defects + 1] = role == nil
        and "it does not say who issued it"
        or ("it was issued by " .. role .. ", not by the Secretary or the Designated Officer")
    end
    if o.request_via_nodal_officer ~= true then
      defects[#defects + 1] = "it does not show that the request reached the Designated Officer through a nodal officer, in writing, as rule 6 requires"
    end
    if #defects == 0 then return false end
    return true, { order = orders.name(o), defects = table.concat(defects, "; ") }
  end,
}

rule "proc.no_hearing" {
  outcome  = "review",
  defeats  = { "ground.*" },
  cites    = "Blocking Rules 2009, r.8(1) (G.S.R. 781(E)); Shreya Singhal v. Union of India, (2015) 5 SCC 1",
  reason   = "order {order} was made under the standard procedure, and this account's originator {who}, but {finding}; rule 8(1) requires a notice giving at least 48 hours to appear and reply before the committee, and Shreya Singhal rests the rules' validity on that hearing",
  in_force = RULES_IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or o.order_type == "emergency_rule9" then return false end
    local identifiable = r.originator_identifiable
    if identifiable == false then return false end
    local who = identifiable and "is identifiable" or "may be identifiable (the record does not say)"
    local sent = o.hearing_notice_sent_at
    if sent == nil then
      return true, { order = orders.name(o), who = who, finding = "no notice of a hearing was sent" }
    end
    local heard = o.committee_considered_at or o.issued_at
    local hours = util.hours_between(sent, heard)
    if hours == nil or hours >= 48 then return false end
    return true, { order = orders.name(o), who = who,
                   finding = "the notice sent at " .. sent .. " left only " .. hours ..
                             " hours before the committee met" }
  end,
}

rule "proc.emergency_unreviewed" {
  outcome  = "review",
  defeats  = { "ground.*" },
  cites    = "Blocking Rules 2009, r.9(3) (G.S.R. 781(E))",
  reason   = "emergency direction {order} was issued at {issued} and {finding}; rule 9(3) requires it to be put before the committee within 48 hours, so the interim direction cannot simply be carried out",
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

rule "restore.emergency_not_approved" {
  outcome  = "keep",
  defeats  = { "ground.*", "allegation.*", "proc.*", "review.*" },
  cites    = "Blocking Rules 2009, r.9(4) (G.S.R. 781(E))",
  reason   = "the final order on emergency direction {order} did not approve the blocking, so under rule 9(4) the interim direction stands revoked and access must be restored",
  in_force = RULES_IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or o.order_type ~= "emergency_rule9" then return false end
    return o.final_decision == "not_approved", { order = orders.name(o) }
  end,
}
