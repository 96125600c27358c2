import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

/**
 * Random bytes for ids, drawn from the CSPRNG 256 ids' worth at a time. uuid's own `v7()` asks
 * `crypto.getRandomValues` for 16 bytes per id, and each call costs as much as a whole batch:
 * that was a third of the CPU a billing run spent issuing bills (`pnpm bench billing`, profiled).
 * Node's `randomUUID` keeps such a cache for the same reason.
 */
const pool = new Uint8Array(16 * 256);
let taken = pool.length;

function sixteenRandomBytes(): Uint8Array {
  if (taken === pool.length) {
    randomFillSync(pool);
    taken = 0;
  }
  return pool.subarray(taken, (taken += 16));
}

/**
 * The clock and counter of the last id, as uuid keeps them for a `v7()` without options (RFC 9562's
 * "monotonic random" method): within one millisecond each id counts on from the last, so ids made
 * one after another still sort one after another; a new millisecond starts the count from random
 * bits. uuid keeps this state only for the ids it draws the random bytes for itself, hence here.
 */
const last = { msecs: -Infinity, seq: 0 };

/**
 * A new row's id: a UUID that begins with the time it was made (version 7, RFC 9562), the rest
 * random. Ids made one after another sort one after another, so a table's primary-key index grows
 * at its right edge: the bills, lines, meter rows and ledger entries of a billing run go to the
 * index's last page, not each to a random one (PostgreSQL's CPU a thousand accounts billed: 0.29 s
 * with random ids, 0.22 s with these, `pnpm bench billing`). An id is not a secret: knowing one
 * authorizes nothing, and what must not be guessed (receipt codes, tokens) is made otherwise.
 */
export function newRowId(): string {
  const random = sixteenRandomBytes();
  const now = Date.now();
  if (now > last.msecs) {
    last.msecs = now;
    // uuid's starting count: 31 random bits, leaving room to count on within the millisecond.
    last.seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    last.seq = (last.seq + 1) | 0;
    // The count ran out (2^31 ids in a millisecond, or a clock that stepped back): on to the next.
    if (last.seq === 0) last.msecs += 1;
  }
  return v7({ random, msecs: last.msecs, seq: last.seq });
}
