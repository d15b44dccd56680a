/**
 * Where a booking's money stands. The booking workflow writes it, the database stores it, the
 * Temporal search attribute `PaymentStatus` and the admin API show it.
 */
export type PaymentStatus =
  | 'pending'
  | 'requires_action'
  | 'authorized'
  | 'failed'
  | 'released'
  | 'captured'
  | 'partially_refunded'
  | 'refunded'
  | 'paid_out';
