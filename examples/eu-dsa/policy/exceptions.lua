-- Exceptions to the exemptions. They have no outcome of their own: they set
-- an exemption aside, and so revive the grounds it had set aside.

rule "exx.satire_threat" {
  defeats = { "ex.satire" },
  cites   = "Charter of Fundamental Rights of the EU, Art. 52(1) (limits to protect the rights and freedoms of others) and Art. 7 (private life)",
  reason  = "post {posts} names a real private person and carries a credible threat against them; a satirical form does not cover a credible threat against a private individual",
  when = function(r)
    local posts = dsa.posts_where(r, function(a)
      return dsa.genre_in(a, { "satire", "parody" }) and a.names_private_person == true and a.credible_threat == true
    end)
    return #posts > 0, { posts = dsa.ids(posts) }
  end,
}

rule "exx.manifesto_without_context" {
  defeats = { "ex.journalism" },
  cites   = "Charter of Fundamental Rights of the EU, Art. 52(1); Regulation (EU) 2021/784 (TCO), Art. 1(3) (the true purpose of a dissemination decides whether it is journalism)",
  reason  = "post {posts} reproduces a terrorist manifesto with no reporting, analysis or condemnation around it; its true purpose is to spread the manifesto, so it is not treated as journalism",
  when = function(r)
    local posts = dsa.posts_where(r, function(a)
      return a.genre == "journalism" and a.reproduces_manifesto == true and a.editorial_context ~= true
    end)
    return #posts > 0, { posts = dsa.ids(posts) }
  end,
}
