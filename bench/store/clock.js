// The bench's fast clock, shared by the parent, the token server and every worker: time since
// `t0` runs `speed` times faster than the wall clock. Every process reads the same system clock
// (Date.now()), so their fast clocks agree, and a session of a 1 s lifetime (the shortest the
// SessionManager treats as known, MIN_KNOWN_LIFETIME_MS) expires after 1000 / speed real ms.

/** A clock function `() => Date` running `speed` times faster than the wall clock since `t0` (epoch ms). */
export function fastClock(t0, speed) {
  return () => new Date(t0 + (Date.now() - t0) * speed);
}
