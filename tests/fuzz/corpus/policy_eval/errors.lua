rule "x" { outcome = "withhold", when = function(r) error({}) end }
rule "y" { outcome = "keep", when = function(r) return true, setmetatable({}, {__tostring = function() return "z" end}) end }
