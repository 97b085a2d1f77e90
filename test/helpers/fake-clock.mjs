// Preloaded into a CLI child process with NODE_OPTIONS="--import <this file>": shifts the
// process's clock by CONNECTORS_TEST_CLOCK_OFFSET_MS milliseconds, so an end-to-end test can run
// "a later process" (one that sees a stored session near its expiry) without waiting.
const offset = Number(process.env.CONNECTORS_TEST_CLOCK_OFFSET_MS ?? 0);
if (Number.isFinite(offset) && offset !== 0) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(realNow() + offset);
      else super(...args);
    }
    static now() {
      return realNow() + offset;
    }
  }
  globalThis.Date = ShiftedDate;
}
