rule "t.escape" { outcome = "review", reason = "{v}",
  when = function(r, ctx)
    local ok, e = pcall(function() return io or os or debug or load or require end)
    local t = setmetatable({}, { __index = function(_, k) return k end, __len = function() return 3 end })
    local s = ("a"):rep(400)
    local okp = pcall(string.find, s, "a-a-a-b")
    local n = 0
    for k, v in pairs(r) do n = n + 1 end
    for i, p in ipairs(r.posts or {}) do n = n + #tostring(p.text) end
    local ok2 = pcall(function() r.id = 1 end)
    local ok3 = pcall(function() x = 1 end)
    return n > 0 and not ok2, { v = tostring(t.x) .. utf8.char(233) .. string.format("%5.2f", 1/3),
                                nested = { a = { b = { c = { 1, 2, 3 } } } }, ctx = ctx.order and ctx.order.id }
  end }
rule "t.budget" { outcome = "withhold", defeats = { "t.*" },
  when = function(r) local i = 0 while i < 1e9 do i = i + 1 end return true end }
