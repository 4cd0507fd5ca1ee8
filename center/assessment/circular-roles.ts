import type { Role } from '../auth/accounts.js';

/** Who drafts a 通报 for the leader to sign: the leader, the analysts, the administrators; not duty posts or walls. */
export const CIRCULAR_ROLES: readonly Role[] = ['admin', 'leader', 'analyst'];
