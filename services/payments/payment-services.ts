/** Builds the payment services: Connect payouts, saved cards and webhook intake. */
import type { Knex } from 'knex';
import { StripeEventRepository } from '../../db/repositories/stripe-event-repository.js';
import { StudentProfileRepository } from '../../db/repositories/student-profile-repository.js';
import { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import type { Config } from '../../domain/config.js';
import type { StripeClient } from '../../integrations/stripe.js';
import { accountUpdatedHandler } from './account-updated-handler.js';
import { PaymentMethodsService } from './payment-methods-service.js';
import { OnboardingStateSigner } from './onboarding-state.js';
import { PayoutsService } from './payouts-service.js';
import { StripeWebhookService } from './stripe-webhooks.js';

export interface PaymentServices {
  payouts: PayoutsService;
  paymentMethods: PaymentMethodsService;
  webhooks: StripeWebhookService;
}

export function createPaymentServices(db: Knex, stripe: StripeClient, config: Pick<Config, 'http' | 'stripe' | 'stripeConnect' | 'secretKey' | 'email'>): PaymentServices {
  const users = new UserRepository(db);
  const tutorProfiles = new TutorProfileRepository(db);
  const webhooks = new StripeWebhookService(stripe, new StripeEventRepository(db), config.stripe.webhookSecret);
  webhooks.registerStripeEventHandler('account.updated', accountUpdatedHandler(tutorProfiles));
  return {
    payouts: new PayoutsService(stripe, tutorProfiles, users, {
      publicBaseUrl: config.http.publicBaseUrl,
      frontendBaseUrl: config.email.frontendBaseUrl,
      defaultCountry: config.stripeConnect.defaultCountry,
      states: new OnboardingStateSigner(config.secretKey),
    }),
    paymentMethods: new PaymentMethodsService(stripe, new StudentProfileRepository(db), users),
    webhooks,
  };
}
