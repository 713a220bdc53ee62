-- Scope: is there an order, and does it name this account?
--
-- s.69A(1) works only through a direction of the Central Government (or an
-- officer it specially authorises), by order. Without an order, or for an
-- account the order does not name, there is nothing to carry out: these
-- rules keep the account and set every other question aside.

rule "scope.no_order" {
  outcome = "keep",
  defeats = { "ground.*", "allegation.*", "proc.*", "review.*" },
  cites   = "IT Act 2000, s.69A(1): blocking only by a direction of the Central Government, by order",
  reason  = "no blocking order was given in the context; s.69A(1) acts only through a written order of the Central Government, and none directs that this account be blocked",
  when = function(r, ctx)
    return ctx.order == nil
  end,
}

rule "scope.not_named" {
  outcome = "keep",
  defeats = { "ground.*", "allegation.*", "proc.*", "review.*" },
  cites   = "IT Act 2000, s.69A(1): a direction extends only to the information it identifies",
  reason  = "order {order} does not name account {account}, so it directs nothing against it",
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or o.accounts == nil then return false end
    local id = r.id
    if util.contains(o.accounts, id) then return false end
    return true, { order = orders.name(o), account = tostring(id) }
  end,
}
