-- The shared plan of cashfinredis.Limiter, in one hash (KEYS[1]) with fields:
--   s, sn: the current Unix second and the attempts admitted in it;
--   m, mn: the current Unix minute (seconds / 60) and its count;
--   d, dn: the current UTC day (seconds / 86400) and its count;
--   b:     the time (µs) until which a window Cashfin reported exhausted holds every attempt.
-- Times are the Redis server's (TIME), in microseconds. Every window is counted whatever the
-- plan, so that processes with different plans on one key still agree.
--
-- ARGV[1] = "wait": ARGV[2..4] are the limits a second, a minute and a day (0: none), ARGV[5] the
-- guard in µs. Admits and counts one attempt when every limited window has room, is not within
-- the guard of its end, and no reported window holds. Returns {1, 0, now} when admitted, else
-- {0, µs until it might be, now}.
-- ARGV[1] = "observe": ARGV[2] is the reported window's reset (µs), ARGV[3] how far ahead (µs) a
-- reset may lie. Holds attempts until then; a reset already past, or further ahead than any
-- plan's window can reset, is ignored. Returns {1 if stored, 0, now}.
local t = redis.call('TIME')
local sec = tonumber(t[1])
local now = sec * 1000000 + tonumber(t[2])
local key = KEYS[1]

-- extend makes the hash live at least until the time u (µs), never shortening it.
local function extend(u)
  local ms = math.ceil((u - now) / 1000)
  if redis.call('PTTL', key) < ms then
    redis.call('PEXPIRE', key, ms)
  end
end

if ARGV[1] == 'observe' then
  local reset = tonumber(ARGV[2])
  if reset <= now or reset > now + tonumber(ARGV[3]) then
    return {0, 0, now}
  end
  if reset > tonumber(redis.call('HGET', key, 'b') or 0) then
    redis.call('HSET', key, 'b', reset)
  end
  extend(reset)
  return {1, 0, now}
end

local h = redis.call('HMGET', key, 's', 'sn', 'm', 'mn', 'd', 'dn', 'b')
local guard = tonumber(ARGV[5])
local span = {1, 60, 86400}
local wait = 0
local hold = tonumber(h[7] or 0)
if hold > now then
  wait = hold - now
end
local ids, counts = {}, {}
for i = 1, 3 do
  local id = math.floor(sec / span[i])
  local n = 0
  if tonumber(h[2 * i - 1] or -1) == id then
    n = tonumber(h[2 * i])
  end
  ids[i], counts[i] = id, n
  local left = (id + 1) * span[i] * 1000000 - now
  local limit = tonumber(ARGV[i + 1])
  if limit > 0 and (n >= limit or left <= guard) and left > wait then
    wait = left
  end
end
if wait > 0 then
  return {0, wait, now}
end
redis.call('HSET', key, 's', ids[1], 'sn', counts[1] + 1, 'm', ids[2], 'mn', counts[2] + 1,
  'd', ids[3], 'dn', counts[3] + 1)
extend((ids[3] + 1) * 86400 * 1000000)
return {1, 0, now}
