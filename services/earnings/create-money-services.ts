/** Builds the services of a user's money views: tutors' earnings, students' receipts and card removal. */
import type { Knex } from 'knex';
import { BookingRepository } from '../../db/repositories/booking-repository.js';
import { EarningsRepository } from '../../db/repositories/earnings-repository.js';
import { PackageRepository } from '../../db/repositories/package-repository.js';
import { SeriesRepository } from '../../db/repositories/series-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import type { StripeClient } from '../../integrations/stripe.js';
import type { PaymentServices } from '../payments/payment-services.js';
import { EarningsService } from './earnings-service.js';
import { BookingPaymentRepository } from '../../db/repositories/booking-payment-repository.js';
import { ReceiptService } from './receipt-service.js';
import { SavedCardRemoval } from './saved-card-removal.js';

export interface MoneyServices {
  earnings: EarningsService;
  receipts: ReceiptService;
  cardRemoval: SavedCardRemoval;
  payouts: PaymentServices['payouts'];
}

export function createMoneyServices(db: Knex, stripe: StripeClient, payments: PaymentServices): MoneyServices {
  const earnings = new EarningsRepository(db);
  return {
    earnings: new EarningsService(earnings),
    receipts: new ReceiptService(new BookingRepository(db), earnings, new UserRepository(db), new PackageRepository(db), new BookingPaymentRepository(db)),
    cardRemoval: new SavedCardRemoval({ stripe, earnings, series: new SeriesRepository(db), paymentMethods: payments.paymentMethods }),
    payouts: payments.payouts,
  };
}
