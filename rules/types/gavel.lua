---@meta
-- The rule API, for lua-language-server: completion and type hints while
-- writing rules. Nothing here runs; gavel provides the real functions.
-- See docs/policy.md for what each one does.

---@class gavel.InForce
---@field from? string   first date the rule applies, YYYY-MM-DD (inclusive)
---@field until? string  first date it no longer applies (exclusive)

---@class gavel.RuleDef
---@field outcome? string  one of the manifest's outcomes; none for a rule that only defeats
---@field cites? string    the provision the rule rests on
---@field reason? string   a sentence; {name} is filled from the evidence
---@field defeats? string|string[]  rule ids or globs this rule sets aside
---@field in_force? gavel.InForce
---@field when fun(r: gavel.Record, ctx: gavel.Context): any, table?  fires when truthy; the second value is the evidence

--- Declares a rule: `rule "id" { outcome = ..., when = function(r, ctx) ... end }`.
---@param id string  letters, digits and . _ - : /
---@return fun(def: gavel.RuleDef)
function rule(id) end

---@class gavel.Lexicon
local Lexicon = {}

--- The lexicon term that occurs first in text (case-insensitive, Unicode
--- aware), or nil.
---@param text string?
---@return string?
function Lexicon:find(text) end

--- The policy's lexicons, by the names in its manifest.
---@type table<string, gavel.Lexicon>
lexicon = {}

--- True when pred(item, i) is truthy for some item (or some item is truthy).
---@generic T
---@param arr T[]?
---@param pred? fun(item: T, i: integer): any
---@return boolean
function any(arr, pred) end

--- True when pred(item, i) is truthy for every item.
---@generic T
---@param arr T[]?
---@param pred? fun(item: T, i: integer): any
---@return boolean
function all(arr, pred) end

--- How many items pred(item, i) is truthy for.
---@generic T
---@param arr T[]?
---@param pred? fun(item: T, i: integer): any
---@return integer
function count(arr, pred) end

--- b minus a in days: an integer for two dates, a float when either has a
--- time; nil when either is nil.
---@param a string?
---@param b string?
---@return number?
function days_between(a, b) end

--- The context file given with --context, and the evaluation date.
---@class gavel.Context
---@field as_of string  the evaluation date, YYYY-MM-DD
---@field order? gavel.Order

--- A blocking order, as the shipped s.69A policy reads it from the context file.
---@class gavel.Order
---@field id? string
---@field issued_at? string
---@field issuer_role? string
---@field request_via_nodal_officer? boolean
---@field order_type? "standard_rule8"|"emergency_rule9"
---@field stated_grounds? string[]
---@field reasons_recorded? boolean
---@field reasons_text? string
---@field hearing_notice_sent_at? string
---@field committee_considered_at? string
---@field final_decision? "approved"|"not_approved"|"pending"
---@field allegations? string[]
---@field flagged_hashtags? string[]
---@field accounts? string[]
---@field jurisdiction? string
