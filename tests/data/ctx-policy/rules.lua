rule "proc.no_reasons" {
  outcome = "review",
  cites = "IT Act 2000, s.69A(1): reasons recorded in writing",
  reason = "the order of {date} records no reasons",
  when = function(r, ctx)
    local order = ctx.order
    return order ~= nil and order.reasons_recorded == false, { date = ctx.as_of }
  end,
}

rule "proc.later_provision" {
  outcome = "review",
  cites = "a provision in force from 1 March 2021",
  reason = "applies from 2021-03-01",
  in_force = { from = "2021-03-01" },
  when = function() return true end,
}
