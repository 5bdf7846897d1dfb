/** Top-level response fields an idempotent route never lets the replay store keep (secrets shown once). */
export const IDEMPOTENCY_NOT_STORED = 'idempotency:not-stored';
