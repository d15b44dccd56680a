/** Stripe's test PaymentMethods (docs.stripe.com/testing) and what each one does in the fake. */

/**
 * Stripe's test PaymentMethods that decline at confirmation (docs.stripe.com/testing#declined-payments):
 * the error code and the decline_code Stripe answers with.
 */
export const DECLINING_TEST_METHODS: Record<string, { code: string; declineCode?: string; message: string }> = {
  pm_card_chargeDeclined: { code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' },
  pm_card_visa_chargeDeclined: { code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' },
  pm_card_chargeDeclinedInsufficientFunds: { code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  pm_card_visa_chargeDeclinedInsufficientFunds: { code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  pm_card_chargeDeclinedLostCard: { code: 'card_declined', declineCode: 'lost_card', message: 'Your card was declined.' },
  pm_card_visa_chargeDeclinedLostCard: { code: 'card_declined', declineCode: 'lost_card', message: 'Your card was declined.' },
  pm_card_chargeDeclinedStolenCard: { code: 'card_declined', declineCode: 'stolen_card', message: 'Your card was declined.' },
  pm_card_visa_chargeDeclinedStolenCard: { code: 'card_declined', declineCode: 'stolen_card', message: 'Your card was declined.' },
  pm_card_chargeDeclinedFraudulent: { code: 'card_declined', declineCode: 'fraudulent', message: 'Your card was declined.' },
  pm_card_visa_chargeDeclinedFraudulent: { code: 'card_declined', declineCode: 'fraudulent', message: 'Your card was declined.' },
  pm_card_chargeDeclinedVelocityLimitExceeded: { code: 'card_declined', declineCode: 'card_velocity_exceeded', message: 'Your card was declined.' },
  pm_card_chargeDeclinedExpiredCard: { code: 'expired_card', declineCode: 'expired_card', message: 'Your card has expired.' },
  pm_card_chargeDeclinedIncorrectCvc: { code: 'incorrect_cvc', declineCode: 'incorrect_cvc', message: "Your card's security code is incorrect." },
  pm_card_chargeDeclinedProcessingError: { code: 'processing_error', declineCode: 'processing_error', message: 'An error occurred while processing your card. Try again in a little bit.' },
};

/** Test PaymentMethods whose bank asks the cardholder to authenticate (3-D Secure) on session. */
export const AUTHENTICATING_TEST_METHODS = new Set(['pm_card_threeDSecure2Required', 'pm_card_threeDSecureRequired', 'pm_card_authenticationRequired']);

/** The card each test PaymentMethod stands for (docs.stripe.com/testing): brand and last four digits. */
export const TEST_CARD_DETAILS: Record<string, { brand: string; last4: string }> = {
  pm_card_visa: { brand: 'visa', last4: '4242' },
  pm_card_visa_debit: { brand: 'visa', last4: '5556' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444' },
  pm_card_amex: { brand: 'amex', last4: '0005' },
  pm_card_threeDSecure2Required: { brand: 'visa', last4: '3220' },
  pm_card_threeDSecureRequired: { brand: 'visa', last4: '3063' },
  pm_card_authenticationRequired: { brand: 'visa', last4: '3155' },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002' },
};
