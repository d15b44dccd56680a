/** Lesson packages (prepaid credits) and trial lessons: offered by tutors, bought by students, refunded by admins. */
import type { Context } from 'koa';
import type { CreditEntry, LessonPackage, PackageOffer } from '../../../db/repositories/package-repository.js';
import type { PackageService } from '../../../services/packages/package-service.js';
import type { PackageOutcome } from '../../../workflows/package/client.js';
import { defineRoute, type RouteSpec } from '../../routing.js';
import {
  AdminIdempotencyHeaders,
  AdminPackageAttentionBody,
  AdminPackageRefundBody,
  CreateOfferBody,
  CreditBalanceListSchema,
  IdParams,
  PackageAcceptedSchema,
  PackageDetailSchema,
  PackageListSchema,
  PackageOfferListSchema,
  PackageOfferSchema,
  PackageSchema,
  PackageStateSchema,
  PurchaseBody,
  PurchaseHeaders,
  TrialOfferBody,
  TrialOfferSchema,
  TutorIdParams,
} from './schemas.js';

const offerView = (offer: PackageOffer) => ({
  id: offer.id,
  tutorId: offer.tutorId,
  lessons: offer.lessons,
  lengthMinutes: offer.lengthMinutes,
  discountPercent: offer.discountBps / 100,
  priceMinor: offer.priceMinor,
  currency: offer.currency,
  retired: offer.retiredAt !== null,
  createdAt: offer.createdAt.toISOString(),
});

const packageView = (pkg: LessonPackage) => ({
  id: pkg.id,
  offerId: pkg.offerId,
  studentId: pkg.studentId,
  tutorId: pkg.tutorId,
  lessons: pkg.lessons,
  lengthMinutes: pkg.lengthMinutes,
  priceMinor: pkg.priceMinor,
  currency: pkg.currency,
  status: pkg.status,
  creditsLeft: pkg.creditsLeft,
  capturedMinor: pkg.capturedMinor,
  refundedMinor: pkg.refundedMinor,
  paidOutMinor: pkg.paidOutMinor,
  paymentFailure: pkg.paymentFailure,
  expiresAt: pkg.expiresAt.toISOString(),
  createdAt: pkg.createdAt.toISOString(),
});

const entryView = (entry: CreditEntry) => ({ kind: entry.kind, credits: entry.credits, bookingId: entry.bookingId, amountMinor: entry.amountMinor, at: entry.createdAt.toISOString() });

const STATE = {
  200: { description: 'The package’s state after the change', schema: PackageStateSchema },
  202: { description: 'Taken, not finished within BOOKING_UPDATE_TIMEOUT: the change shows in the package (Location) when applied', schema: PackageAcceptedSchema },
};

function answer(ctx: Context, packageId: string, outcome: PackageOutcome): void {
  if (outcome.done) {
    ctx.body = outcome.pkg;
    return;
  }
  const href = `/api/packages/${packageId}`;
  ctx.status = 202;
  ctx.set('Location', href);
  ctx.body = { packageId, href, detail: 'The package took the request and is still working on it; its state shows the outcome.' };
}

export function packageRoutes(packages: PackageService): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/me/package-offers',
      operationId: 'createPackageOffer',
      summary: 'Offer a package of lessons at a discount (tutors)',
      description: 'N lessons of one of your lesson lengths; the price is your lesson price × N less the discount, fixed now.',
      tags: ['packages'],
      access: 'user',
      body: CreateOfferBody,
      responses: { 201: { description: 'The new offer', schema: PackageOfferSchema } },
      errors: [403, 409, 422],
      handler: async (ctx, { body }) => {
        ctx.status = 201;
        ctx.body = offerView(await packages.createOffer(ctx.state.principal!, body));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/me/package-offers/:id/retire',
      operationId: 'retirePackageOffer',
      summary: 'Stop selling a package offer (its tutor)',
      description: 'Packages already bought keep their credits.',
      tags: ['packages'],
      access: 'user',
      params: IdParams,
      responses: { 200: { description: 'The retired offer', schema: PackageOfferSchema } },
      errors: [404],
      handler: async (ctx, { params }) => {
        ctx.body = offerView(await packages.retireOffer(ctx.state.principal!, params.id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/tutors/:id/package-offers',
      operationId: 'listTutorPackageOffers',
      summary: 'A tutor’s package offers',
      tags: ['packages'],
      access: 'public',
      params: TutorIdParams,
      responses: { 200: { description: 'The offers on sale', schema: PackageOfferListSchema } },
      errors: [401],
      handler: async (ctx, { params }) => {
        ctx.body = { items: (await packages.listOffers(params.id)).map(offerView) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/packages',
      operationId: 'purchasePackage',
      summary: 'Buy a package (students): the card is charged at once',
      description:
        'Starts the package’s workflow, which charges the saved card (one PaymentIntent, captured) and grants the credits. 402 when the card is declined. The Idempotency-Key is required: the same key is the same purchase (another body: 422).',
      tags: ['packages'],
      access: 'user',
      headers: PurchaseHeaders,
      body: PurchaseBody,
      responses: { 201: { description: 'The package', schema: PackageSchema }, 200: { description: 'The package an earlier request with this key bought', schema: PackageSchema } },
      errors: [402, 403, 404, 422, 503],
      handler: async (ctx, { body, headers }) => {
        const outcome = await packages.purchase(ctx.state.principal!, body, headers['idempotency-key']!);
        ctx.status = outcome.created ? 201 : 200;
        ctx.set('Location', `/api/packages/${outcome.pkg.id}`);
        ctx.body = packageView(outcome.pkg);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/packages/:id',
      operationId: 'getPackage',
      summary: 'A package and its credit ledger (its student, its tutor, admins)',
      tags: ['packages'],
      access: 'user',
      params: IdParams,
      responses: { 200: { description: 'The package', schema: PackageDetailSchema } },
      errors: [404],
      handler: async (ctx, { params }) => {
        const { pkg, entries } = await packages.get(ctx.state.principal!, params.id);
        ctx.body = { ...packageView(pkg), entries: entries.map(entryView) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/me/packages',
      operationId: 'listMyPackages',
      summary: 'Your packages (students: bought; tutors: sold)',
      tags: ['packages'],
      access: 'user',
      responses: { 200: { description: 'Newest first', schema: PackageListSchema } },
      errors: [403],
      handler: async (ctx) => {
        ctx.body = { items: (await packages.listMine(ctx.state.principal!)).map(packageView) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/me/credits',
      operationId: 'listMyCredits',
      summary: 'Your lesson credits per tutor and lesson length (students)',
      description: 'Book with one by sending `payWith: "credit"` to POST /api/bookings.',
      tags: ['packages'],
      access: 'user',
      responses: { 200: { description: 'Balances above zero', schema: CreditBalanceListSchema } },
      errors: [403],
      handler: async (ctx) => {
        ctx.body = { items: await packages.credits(ctx.state.principal!) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/packages/:id/refunds',
      operationId: 'adminRefundPackage',
      summary: 'Refund a package’s unused credits pro rata (admins)',
      description:
        'Takes every unused credit (ledger entry `refund`) and refunds price × unused ÷ lessons, bounded by what the charge still has. Lessons already booked go on. The Idempotency-Key is required: the same key refunds once. 409 when the package is not active.',
      tags: ['admin'],
      access: 'admin',
      headers: AdminIdempotencyHeaders,
      params: IdParams,
      body: AdminPackageRefundBody,
      responses: STATE,
      errors: [404, 409, 503],
      handler: async (ctx, { params, body, headers }) => {
        answer(ctx, params.id, await packages.adminRefund(ctx.state.principal!, params.id, body.reason, headers['idempotency-key']!));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/packages/:id/attention',
      operationId: 'adminResolvePackageAttention',
      summary: 'Settle a package’s refused refund or payout (admins): retry or close',
      tags: ['admin'],
      access: 'admin',
      params: IdParams,
      body: AdminPackageAttentionBody,
      responses: STATE,
      errors: [404, 409, 503],
      handler: async (ctx, { params, body }) => {
        answer(ctx, params.id, await packages.adminResolveAttention(ctx.state.principal!, params.id, body.action, body.reason, body.itemId));
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/me/trial-offer',
      operationId: 'setTrialOffer',
      summary: 'Offer one first lesson per student at a set length and price (tutors)',
      description: 'A price of 0 is a free trial: it is booked without a card hold.',
      tags: ['packages'],
      access: 'user',
      body: TrialOfferBody,
      responses: { 200: { description: 'The trial offer', schema: TrialOfferSchema } },
      errors: [403, 409, 422],
      handler: async (ctx, { body }) => {
        ctx.body = { ...(await packages.setTrialOffer(ctx.state.principal!, body)), available: null };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/me/trial-offer',
      operationId: 'removeTrialOffer',
      summary: 'Stop offering a trial lesson (tutors)',
      tags: ['packages'],
      access: 'user',
      responses: { 204: { description: 'Removed' } },
      errors: [403, 404],
      handler: async (ctx) => {
        await packages.removeTrialOffer(ctx.state.principal!);
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/tutors/:id/trial-offer',
      operationId: 'getTutorTrialOffer',
      summary: 'A tutor’s trial lesson offer',
      description: 'Book it with `trial: true` on POST /api/bookings (once per student and tutor).',
      tags: ['packages'],
      access: 'public',
      params: TutorIdParams,
      responses: { 200: { description: 'The offer', schema: TrialOfferSchema } },
      errors: [401, 404],
      handler: async (ctx, { params }) => {
        ctx.body = await packages.trialOffer(params.id, ctx.state.principal);
      },
    }),
  ];
}
