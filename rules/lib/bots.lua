-- bots: automation signals on an account record, shared by the s.69A policy
-- (where an order alleges automation) and the platform-manipulation policy.
--
-- Strong signals are behaviour over time; each one alone is consistent with
-- a busy human, a newsroom or a campaign, so policies act on two or more.
-- Weak cues (numeric handle, default avatar, a new account, few followers)
-- do not by themselves show automation (the platform's 2020 guidance) and
-- no rule may suspend or withhold on them.
--
-- Record fields read (BRIEF §C): bot_signals.{posts_per_day_avg,
-- duplicate_content_ratio, cluster_size, bot_score, account_age_days},
-- handle, default_profile_image, followers_count, created_at. Reading an
-- absent field lists it in the decision's `missing`.

bots = {}

-- Thresholds for the strong signals (BRIEF §A6 and §B).
bots.MAX_POSTS_PER_DAY   = 50     -- more than this is suspicious
bots.MIN_DUPLICATE_RATIO = 0.7    -- share of posts duplicating other posts
bots.MIN_CLUSTER_SIZE    = 20     -- accounts in the same coordinated cluster
bots.MIN_BOT_SCORE       = 0.8    -- classifier score in [0, 1]

-- Thresholds for the weak cues.
bots.NEW_ACCOUNT_DAYS    = 30
bots.FEW_FOLLOWERS       = 10

-- The strong signals the record shows, as phrases for a reason, and the
-- signals that could not be checked because the record lacks them.
-- Returns signals, unchecked, kinds (kinds: set of "volume", "duplicates",
-- "cluster", "score" for the signals present).
function bots.strong_signals(r)
  local signals, unchecked, kinds = {}, {}, {}
  local b = r.bot_signals
  if b == nil then
    return signals, { "bot_signals" }, kinds
  end
  local ppd = b.posts_per_day_avg
  if ppd == nil then
    unchecked[#unchecked + 1] = "posts_per_day_avg"
  elseif ppd > bots.MAX_POSTS_PER_DAY then
    signals[#signals + 1] = util.num(ppd) .. " posts a day on average (more than "
      .. bots.MAX_POSTS_PER_DAY .. ")"
    kinds.volume = true
  end
  local dup = b.duplicate_content_ratio
  if dup == nil then
    unchecked[#unchecked + 1] = "duplicate_content_ratio"
  elseif dup >= bots.MIN_DUPLICATE_RATIO then
    signals[#signals + 1] = util.percent(dup) .. " duplicated content (" ..
      util.percent(bots.MIN_DUPLICATE_RATIO) .. " or more)"
    kinds.duplicates = true
  end
  local cluster = b.cluster_size
  if cluster == nil then
    unchecked[#unchecked + 1] = "cluster_size"
  elseif cluster >= bots.MIN_CLUSTER_SIZE then
    signals[#signals + 1] = "one of a coordinated cluster of " .. util.num(cluster) ..
      " accounts (" .. bots.MIN_CLUSTER_SIZE .. " or more)"
    kinds.cluster = true
  end
  local score = b.bot_score
  if score == nil then
    unchecked[#unchecked + 1] = "bot_score"
  elseif score >= bots.MIN_BOT_SCORE then
    signals[#signals + 1] = string.format("a bot score of %.2f (%.1f or more)", score,
      bots.MIN_BOT_SCORE)
    kinds.score = true
  end
  return signals, unchecked, kinds
end

-- Two or more strong signals: coordinated automation.
function bots.is_automated(r)
  local signals = bots.strong_signals(r)
  return #signals >= 2, signals
end

-- The weak cues the record shows, as phrases. as_of dates the account's age
-- when bot_signals.account_age_days is absent.
function bots.weak_cues(r, as_of)
  local cues = {}
  local handle = r.handle
  if handle ~= nil and string.find(handle, "%d%d%d%d$") then
    cues[#cues + 1] = "the handle " .. handle .. ", ending in digits"
  end
  if r.default_profile_image == true then
    cues[#cues + 1] = "the default profile image"
  end
  local b = r.bot_signals
  local age = b and b.account_age_days
  if age == nil then
    local d = days_between(r.created_at, as_of)
    age = d and math.floor(d)
  end
  if age ~= nil and age < bots.NEW_ACCOUNT_DAYS then
    cues[#cues + 1] = "an account " .. util.num(age) .. " days old"
  end
  local followers = r.followers_count
  if followers ~= nil and followers < bots.FEW_FOLLOWERS then
    cues[#cues + 1] = util.num(followers) .. " followers"
  end
  return cues
end
