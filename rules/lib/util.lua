-- util: small helpers on lists and numbers, shared by every policy.
--
-- Loaded first by each manifest (`rules: [../lib/util.lua, ...]`). Like
-- every table built while a policy loads, `util` is frozen afterwards.
-- Lists may be plain Lua tables or record/context arrays (read-only
-- proxies); both work with ipairs and #.

util = {}

-- A lookup set from a list of strings, for tables built at load time.
function util.set(list)
  local s = {}
  for _, x in ipairs(list) do s[x] = true end
  return s
end

-- Is x one of the items of list? A nil list holds nothing.
function util.contains(list, x)
  if list == nil then return false end
  for _, y in ipairs(list) do
    if y == x then return true end
  end
  return false
end

-- The items of list that are keys of set, in list order.
function util.filter_in(list, set)
  local out = {}
  for _, x in ipairs(list or {}) do
    if set[x] then out[#out + 1] = x end
  end
  return out
end

-- The items of list that are not keys of set, in list order.
function util.filter_out(list, set)
  local out = {}
  for _, x in ipairs(list or {}) do
    if not set[x] then out[#out + 1] = x end
  end
  return out
end

-- A plain copy of a list (e.g. a context array) so it can go into evidence.
function util.copy(list)
  local out = {}
  for _, x in ipairs(list or {}) do out[#out + 1] = x end
  return out
end

-- "a, b and c": list items joined for a sentence.
function util.and_list(list)
  local n = #list
  if n == 0 then return "" end
  if n == 1 then return tostring(list[1]) end
  local head = {}
  for i = 1, n - 1 do head[i] = tostring(list[i]) end
  return table.concat(head, ", ") .. " and " .. tostring(list[n])
end

-- A number as a person writes it: 412, 412.5 (one decimal at most).
function util.num(x)
  if math.type(x) == "integer" or x == math.floor(x) then
    return string.format("%d", math.floor(x))
  end
  return string.format("%.1f", x)
end

-- A ratio in [0, 1] as a whole percentage: 0.92 -> "92%".
function util.percent(x)
  return string.format("%d%%", math.floor(x * 100 + 0.5))
end

-- Hours between two ISO 8601 times, rounded to the hour (nil if either is nil).
function util.hours_between(a, b)
  local d = days_between(a, b)
  if d == nil then return nil end
  return math.floor(d * 24 + 0.5)
end
