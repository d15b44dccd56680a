/**
 * A user's money: a tutor's earnings and Stripe Express dashboard, the pages Stripe's payout
 * onboarding sends the tutor back to, a student's receipts and saved-card removal.
 */
import type { MoneyServices } from '../../../services/earnings/create-money-services.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import { DashboardLinkSchema, EarningsQuery, EarningsSchema, OnboardingStateQuery, PackageReceiptParams, PackageReceiptSchema, ReceiptParams, ReceiptSchema, SavedCardParams } from './money-schemas.js';

const REDIRECT = { 303: { description: 'Where the browser goes next', headers: { Location: 'The next page' } } };

/** Where Stripe sends the tutor's browser (a plain GET, no token: the signed state says who). */
function onboardingLanding(landing: 'refresh' | 'return', operationId: string, summary: string, description: string, next: (state: string) => Promise<{ location: string }>): RouteSpec {
  return defineRoute({
    method: 'get',
    path: `/api/payouts/onboarding/${landing}`,
    operationId,
    summary,
    description,
    tags: ['payments'],
    access: 'public',
    query: OnboardingStateQuery,
    responses: REDIRECT,
    errors: [503],
    handler: async (ctx, { query }) => {
      ctx.status = 303;
      ctx.set('Cache-Control', 'no-store');
      ctx.redirect((await next(query.state)).location);
    },
  });
}

export function moneyRoutes(money: MoneyServices): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/me/earnings',
      operationId: 'getMyEarnings',
      summary: 'Your earnings by month and currency (tutors)',
      description: 'From your lessons with money captured, by the month of the lesson (UTC): pending (your share, held until the payout hold ends), paid out, refunded to students, and reversed after a payout.',
      tags: ['payments'],
      access: 'user',
      query: EarningsQuery,
      responses: { 200: { description: 'The earnings', schema: EarningsSchema } },
      errors: [403],
      handler: async (ctx, { query }) => {
        ctx.body = await money.earnings.tutorEarnings(ctx.state.principal!, query.months);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/me/payouts/dashboard-link',
      operationId: 'createPayoutsDashboardLink',
      summary: 'A single-use link to your Stripe Express dashboard (tutors)',
      description: 'Stripe gives one only once your payout onboarding is finished: 409 before that (or before it started).',
      tags: ['payments'],
      access: 'user',
      responses: { 201: { description: 'The link', schema: DashboardLinkSchema } },
      errors: [403, 409, 503],
      handler: async (ctx) => {
        const link = await money.payouts.dashboardLink(ctx.state.principal!);
        ctx.status = 201;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { url: link.url, createdAt: link.createdAt.toISOString() };
      },
    }),
    onboardingLanding('refresh', 'refreshPayoutsOnboarding', "Stripe's onboarding refresh URL: a fresh onboarding link, at once", 'Stripe sends the tutor’s browser here when an onboarding link expired or was used. Redirects (303) to a fresh link for the same account; a state that is not valid any more lands on the web app’s payouts page.', (state) => money.payouts.refreshOnboarding(state)),
    onboardingLanding('return', 'returnFromPayoutsOnboarding', "Stripe's onboarding return URL: reads the account again, then the web app's payouts page", 'The account’s state is read from Stripe at once (the account.updated webhook may come later), then the browser goes on (303) to the web app.', (state) => money.payouts.returnFromOnboarding(state)),
    defineRoute({
      method: 'get',
      path: '/api/bookings/:id/receipt',
      operationId: 'getBookingReceipt',
      summary: 'The receipt of a booking (its student, and admins)',
      tags: ['bookings'],
      access: 'user',
      params: ReceiptParams,
      responses: { 200: { description: 'The receipt', schema: ReceiptSchema } },
      errors: [404],
      handler: async (ctx, { params }) => {
        const { booking, tutorName, capturedAt, releasedAt, refunds, payments } = await money.receipts.receipt(ctx.state.principal!, params.id);
        ctx.body = {
          bookingId: booking.id,
          tutorName,
          sessionStart: booking.sessionStart.toISOString(),
          sessionEnd: booking.sessionEnd.toISOString(),
          status: booking.status,
          paymentStatus: booking.paymentStatus,
          currency: booking.currency,
          priceMinor: booking.priceMinor,
          capturedMinor: booking.capturedMinor,
          capturedAt: capturedAt?.toISOString() ?? null,
          releasedAt: releasedAt?.toISOString() ?? null,
          refundedMinor: booking.refundedMinor,
          refunds: refunds.map((refund) => ({ ...refund, at: refund.at.toISOString() })),
          paidMinor: booking.capturedMinor - booking.refundedMinor,
          payments: payments.map((payment) => ({
            paymentIntentId: payment.paymentIntentId,
            kind: payment.stepPrefix === '' ? ('lesson' as const) : ('reprice' as const),
            status: payment.status,
            authorizedMinor: payment.amountAuthorizedMinor,
            chargeId: payment.chargeId,
            capturedMinor: payment.amountCapturedMinor,
            refundedMinor: payment.amountRefundedMinor,
            transferId: payment.transferId,
            transferredMinor: payment.transferAmountMinor,
            reversedMinor: payment.amountReversedMinor,
            at: payment.createdAt.toISOString(),
          })),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/packages/:id/receipt',
      operationId: 'getPackageReceipt',
      summary: 'The receipt of a lesson package (its student, and admins)',
      description: 'The charge at purchase, each refund of unused credits (an admin’s pro rata refund, the expiry, a credit given back after it) with its date, and the credits used and left.',
      tags: ['packages'],
      access: 'user',
      params: PackageReceiptParams,
      responses: { 200: { description: 'The receipt', schema: PackageReceiptSchema } },
      errors: [404],
      handler: async (ctx, { params }) => {
        const { pkg, tutorName, capturedAt, refunds, creditsUsed } = await money.receipts.packageReceipt(ctx.state.principal!, params.id);
        ctx.body = {
          packageId: pkg.id,
          tutorName,
          lessons: pkg.lessons,
          lengthMinutes: pkg.lengthMinutes,
          status: pkg.status,
          expiresAt: pkg.expiresAt.toISOString(),
          currency: pkg.currency,
          priceMinor: pkg.priceMinor,
          capturedMinor: pkg.capturedMinor,
          capturedAt: capturedAt?.toISOString() ?? null,
          refundedMinor: pkg.refundedMinor,
          refunds: refunds.map((refund) => ({ ...refund, at: refund.at.toISOString() })),
          paidMinor: pkg.capturedMinor - pkg.refundedMinor,
          creditsUsed,
          creditsLeft: pkg.creditsLeft,
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/me/payment-methods/:id',
      operationId: 'removeSavedCard',
      summary: 'Remove a saved card (students)',
      description: 'Detaches the card from your Stripe customer. 409 while it holds the payment of a lesson not yet accepted, or pays a weekly series still running; 404 for a card that is not yours.',
      tags: ['payments'],
      access: 'user',
      params: SavedCardParams,
      responses: { 204: { description: 'Removed' } },
      errors: [403, 404, 409, 503],
      handler: async (ctx, { params }) => {
        await money.cardRemoval.remove(ctx.state.principal!, params.id);
        ctx.status = 204;
      },
    }),
  ];
}
