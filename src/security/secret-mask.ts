/** OpenHands' marker for a masked secret, so logs and trajectories read the same. */
export const SECRET_MASK = '<secret-hidden>';
