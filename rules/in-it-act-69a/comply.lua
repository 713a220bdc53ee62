-- Compliance: what carrying out a valid direction asks of this account.
--
-- A direction under s.69A(1) binds until it is revoked or set aside, and
-- failing to comply with it is an offence (s.69A(3): up to seven years and a
-- fine). In X Corp v. Union of India (Karnataka High Court, W.P.
-- 13710/2022, 30 June 2023) the court dismissed the intermediary's
-- challenge to the 2021-22 orders, imposed costs of Rs 50 lakh for delayed
-- compliance, and upheld blocking at the level of whole accounts (an
-- appeal is pending before a division bench). So protected speech is a
-- ground to contest a direction (contest.lua), not a reason to leave the
-- account up. The rules below withhold the account in India where the
-- direction or the facts call for the account itself; grounds.lua withholds
-- the posts where the posts are the problem. The procedural defects
-- (proc.*) set these aside and send the account to review instead.

local IN_FORCE = { from = "2009-10-27" }
local DUE = { after = "ctx.order.comply_by", optional = true }
local WITHHOLD_ACCOUNT = { action = "withhold_account", scope = "IN", due = DUE }
local BINDS = "IT Act 2000, s.69A(1) and s.69A(3); X Corp v. Union of India, Karnataka High Court, W.P. 13710/2022 (30 June 2023; appeal pending)"

rule "comply.as_directed" {
  outcome  = "withhold",
  measures = WITHHOLD_ACCOUNT,
  cites    = BINDS,
  reason   = "order {order} directs the accounts it names to be blocked whole, and it binds until revoked or set aside: failing to comply is an offence under s.69A(3), and X Corp upheld account-level blocking; the account is withheld in India as directed",
  in_force = IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or not orders.directs_accounts(o) then return false end
    return true, { order = orders.name(o) }
  end,
}

-- A verified outlet's or public figure's volume and audience are its trade,
-- not signs that the account is an instrument (the platform track says the
-- same: pm.verified_publisher).
local PRESS = { news_media = true, journalist = true, politician = true, activist = true }
local CHECKED = { platform_verified = true, external_registry = true }
comply = {}
function comply.is_instrument(r)
  if PRESS[r.category] and CHECKED[r.category_source] then return false, {} end
  local automated, signals = bots.is_automated(r)
  if r.evades_block_of ~= nil then
    signals = util.copy(signals)
    signals[#signals + 1] = "it was created to evade the block on " .. tostring(r.evades_block_of)
    return true, signals
  end
  return automated, signals
end

rule "comply.instrument" {
  outcome  = "withhold",
  measures = WITHHOLD_ACCOUNT,
  cites    = BINDS .. "; Anuradha Bhasin v. Union of India, (2020) 3 SCC 637",
  reason   = "the account itself is the instrument: {signals}; withholding its posts one by one would not carry out order {order}, so the account is withheld in India (the least restrictive measure that does, as Anuradha Bhasin asks)",
  in_force = IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil then return false end
    local instrument, signals = comply.is_instrument(r)
    if not instrument then return false end
    return true, { order = orders.name(o), signals = util.and_list(signals) }
  end,
}

rule "comply.named" {
  outcome  = "withhold",
  measures = WITHHOLD_ACCOUNT,
  cites    = BINDS,
  reason   = "order {order} names the account and binds until revoked or set aside (s.69A(3)), though none of its posts incites on an interest the order states; the platform complies by withholding the account in India and records the grounds to contest the direction",
  in_force = IN_FORCE,
  when = function(r, ctx)
    local o = ctx.order
    if o == nil or orders.directs_accounts(o) then return false end
    if r.posts == nil or grounds.any_reached(r, o) then return false end
    if comply.is_instrument(r) then return false end
    return true, { order = orders.name(o) }
  end,
}
