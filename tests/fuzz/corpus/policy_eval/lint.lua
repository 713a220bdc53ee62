rule "always" {
  outcome = "review",
  cites = "Policy 1",
  reason = "every account is looked at",
  when = function() return true end,
}

rule "shadowed" {
  outcome = "keep",
  cites = "Policy 2",
  reason = "news media",
  defeats = "weak",
  when = function(r) return r.category == "news_media" end,
}

rule "weak" {
  outcome = "withhold",
  reason = "post {post} has {term}",
  when = function(r)
    for _, p in ipairs(r.posts or {}) do
      if p.labelz then return true, { post = p.id } end
    end
    return false
  end,
}

rule "idle" {
  outcome = "keep",
  cites = "Policy 3",
  reason = "nothing to see",
  when = function(r) return r.category == "individual" end,
}
