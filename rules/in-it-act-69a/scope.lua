-- Scope and restoration: does the order reach this account at all, and
-- does it still stand?
--
-- s.69A(1) works only through a direction of the Central Government (or an
-- officer it specially authorises), by order. Without an order, for an
-- account the order does not name, or once the direction is revoked (the
-- committee did not approve an emergency direction, the Review Committee
-- found it not in conformity with s.69A(1), or it was withdrawn), there is
-- nothing to comply with: these rules keep the account, order access
-- restored where it was withheld, and set every other question aside.
-- `keep` on this track means exactly this: outside the order or its law.

local EVERYTHING = { "ground.*", "comply.*", "proc.*", "review.*", "contest.*" }
local RULES_IN_FORCE = { from = "2009-10-27" }   -- G.S.R. 781(E); s.69A as amended in 2008
local RESTORE = { action = "restore", scope = "IN" }

rule "scope.no_order" {
  outcome = "keep",
  defeats = EVERYTHING,
  cites   = "IT Act 2000, s.69A(1): blocking only by a direction of the Central Government, by order",
  reason  = "no blocking order was given in the context; s.69A(1) acts only through a written order of the Central Government, and none directs that this account be blocked",
  when = function(r, ctx)
    return ctx.order == nil
  end,
}

rule "scope.not_named" {
  outcome = "keep",
  defeats = EVERYTHING,
  cites   = "IT Act 2000, s.69A(1): a direction extends only to the information it identifies",
  reason  = "order {order} does not name account {account}, so it directs nothing against it",
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or o.accounts == nil then return false end
    if orders.names(o, r.id) then return false end
    return true, { order = orders.name(o), account = tostring(r.id) }
  end,
}

rule "restore.revoked" {
  outcome  = "keep",
  defeats  = EVERYTHING,
  measures = RESTORE,
  cites    = "IT Act 2000, s.69A(1); Blocking Rules 2009, r.8 and r.9 (G.S.R. 781(E)): a direction binds only while it stands",
  reason   = "order {order} was revoked on {at}, so it directs nothing any more and access in India is restored",
  in_force = RULES_IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or o.revoked_at == nil then return false end
    return true, { order = orders.name(o), at = o.revoked_at }
  end,
}

rule "restore.emergency_not_approved" {
  outcome  = "keep",
  defeats  = EVERYTHING,
  measures = RESTORE,
  cites    = "Blocking Rules 2009, r.9(4) (G.S.R. 781(E))",
  reason   = "the final order on emergency direction {order} did not approve the blocking, so under rule 9(4) the interim direction stands revoked and access in India must be restored",
  in_force = RULES_IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or o.order_type ~= "emergency_rule9" then return false end
    return o.final_decision == "not_approved", { order = orders.name(o) }
  end,
}

rule "restore.review_committee" {
  outcome  = "keep",
  defeats  = EVERYTHING,
  measures = RESTORE,
  cites    = "Blocking Rules 2009, r.14 (G.S.R. 781(E)): the Review Committee (the one constituted under r.419-A of the Indian Telegraph Rules 1951) may set aside a direction not in accordance with s.69A(1) and order the information unblocked",
  reason   = "the Review Committee found on {at} that order {order} is not in conformity with s.69A(1) and set it aside, so the information must be unblocked in India",
  in_force = RULES_IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    local rc = o and o.review_committee
    if rc == nil or rc.finding ~= "not_in_conformity" then return false end
    return true, { order = orders.name(o), at = rc.at or "a date the context does not give" }
  end,
}
