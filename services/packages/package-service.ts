/**
 * Lesson packages and trial lessons: tutors offer them, students buy packages and hold credits,
 * admins refund unused credits. Access is checked on each method's first line. Money never moves
 * here: a purchase starts the package's workflow (its single writer), an admin refund is an update
 * to it; this service reads the read model the workflow keeps.
 */
import { createHash } from 'node:crypto';
import type { CreditBalance, CreditEntry, LessonPackage, PackageOffer, PackageRepository, TrialOffer } from '../../db/repositories/package-repository.js';
import type { TutorProfileRepository } from '../../db/repositories/tutor-profile-repository.js';
import type { Config } from '../../domain/config.js';
import { packagePrice } from '../../domain/credits.js';
import { AppError } from '../../domain/errors.js';
import { type Principal, requireAdmin } from '../../domain/principal.js';
import type { PackageWorkflowClient } from '../../workflows/package/client.js';
import { adminRefundPackageUpdate, resolvePackageAttentionUpdate } from '../../workflows/package/definitions.js';

export interface PackageServiceDependencies {
  config: Pick<Config, 'packages' | 'booking' | 'temporal'>;
  packages: PackageRepository;
  tutors: Pick<TutorProfileRepository, 'findByUserId'>;
  workflows: PackageWorkflowClient;
  paymentMethods: { assertOwnedBy(studentId: string, paymentMethodId: string): Promise<void> };
}

export interface OfferInput {
  lessons: number;
  lengthMinutes: number;
  discountPercent: number;
}

export interface PurchaseOutcome {
  created: boolean;
  pkg: LessonPackage;
}

/** The same student and Idempotency-Key always name the same package (and so the same workflow). */
export function packageIdFor(studentId: string, idempotencyKey: string): string {
  const hex = createHash('sha256').update(`package\u0000${studentId}\u0000${idempotencyKey}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const hashOf = (...parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

export class PackageService {
  constructor(private readonly deps: PackageServiceDependencies) {}

  // ---- offers (tutors) ------------------------------------------------------------------------

  /** A tutor offers N lessons of one of their lengths at a discount; the price is fixed now. */
  async createOffer(principal: Principal, input: OfferInput): Promise<PackageOffer> {
    if (principal.role !== 'tutor') throw AppError.forbidden('Only tutors offer packages');
    const profile = await this.deps.tutors.findByUserId(principal.userId);
    if (!profile) throw AppError.conflict('Create your tutor profile before offering packages');
    if (!profile.lessonLengths.includes(input.lengthMinutes)) throw new AppError('unprocessable', `You do not offer lessons of ${input.lengthMinutes} minutes`);
    const discountBps = Math.round(input.discountPercent * 100);
    const priceMinor = packagePrice({ hourlyRateMinor: profile.hourlyRateMinor, lengthMinutes: input.lengthMinutes, lessons: input.lessons, discountBps });
    return this.deps.packages.insertOffer({ tutorId: principal.userId, lessons: input.lessons, lengthMinutes: input.lengthMinutes, discountBps, priceMinor, currency: profile.currency });
  }

  /** A tutor's current offers (public). */
  listOffers(tutorId: string): Promise<PackageOffer[]> {
    return this.deps.packages.listOffers(tutorId);
  }

  /** The tutor stops selling an offer; packages bought from it keep their credits. */
  async retireOffer(principal: Principal, offerId: string): Promise<PackageOffer> {
    if (principal.role !== 'tutor') throw AppError.notFound('Package offer');
    const offer = await this.deps.packages.retireOffer(principal.userId, offerId);
    if (!offer) throw AppError.notFound('Package offer');
    return offer;
  }

  // ---- packages (students) --------------------------------------------------------------------

  /**
   * A student buys a package: its workflow charges the card at once. A retry with the same
   * Idempotency-Key answers the same package; with another body it is refused (422).
   */
  async purchase(principal: Principal, input: { offerId: string; paymentMethodId: string }, idempotencyKey: string): Promise<PurchaseOutcome> {
    if (principal.role !== 'student') throw AppError.forbidden('Only students buy packages');
    const packageId = packageIdFor(principal.userId, idempotencyKey);
    const requestHash = hashOf(input.offerId, input.paymentMethodId);
    const existing = await this.deps.packages.findPackage(packageId);
    if (existing) {
      if (existing.requestHash !== requestHash) throw new AppError('unprocessable', 'This Idempotency-Key was already used for a different purchase');
      if (existing.status !== 'pending') return { created: false, pkg: existing };
    } else {
      const offer = await this.deps.packages.findOffer(input.offerId);
      if (!offer || offer.retiredAt) throw AppError.notFound('Package offer');
      await this.deps.paymentMethods.assertOwnedBy(principal.userId, input.paymentMethodId);
      const expiresAt = new Date(Date.now() + this.deps.config.packages.expiryMs);
      await this.deps.packages.insertPackage({
        id: packageId,
        offerId: offer.id,
        studentId: principal.userId,
        tutorId: offer.tutorId,
        lessons: offer.lessons,
        lengthMinutes: offer.lengthMinutes,
        priceMinor: offer.priceMinor,
        currency: offer.currency,
        commissionBps: this.deps.config.booking.commissionBps,
        expiresAt,
        requestHash,
      });
    }
    const pkg = (await this.deps.packages.findPackage(packageId))!;
    const outcome = await this.deps.workflows.submit({
      packageId,
      studentId: pkg.studentId,
      tutorId: pkg.tutorId,
      lessons: pkg.lessons,
      lengthMinutes: pkg.lengthMinutes,
      priceMinor: pkg.priceMinor,
      currency: pkg.currency,
      commissionBps: pkg.commissionBps,
      paymentMethodId: input.paymentMethodId,
      expiresAt: pkg.expiresAt.toISOString(),
      reminderOffsetsMs: this.deps.config.packages.reminderOffsetsMs,
      requestHash,
    });
    const after = (await this.deps.packages.findPackage(packageId))!;
    if (outcome.done && outcome.pkg.status === 'payment_failed') {
      throw new AppError('payment_failed', outcome.pkg.paymentFailure ?? 'The card was declined', { extensions: { packageId } });
    }
    return { created: !existing, pkg: after };
  }

  /** A package for its student, its tutor and admins; anyone else is told it does not exist. */
  async get(principal: Principal, packageId: string): Promise<{ pkg: LessonPackage; entries: CreditEntry[] }> {
    const pkg = await this.deps.packages.findPackage(packageId);
    if (!pkg || (principal.role !== 'admin' && pkg.studentId !== principal.userId && pkg.tutorId !== principal.userId)) throw AppError.notFound('Package');
    return { pkg, entries: await this.deps.packages.entries(packageId) };
  }

  /** A student's packages, or the packages a tutor sold. */
  async listMine(principal: Principal): Promise<LessonPackage[]> {
    if (principal.role === 'admin') throw AppError.forbidden('Admins open packages by id');
    return this.deps.packages.listPackages(principal.role === 'student' ? { studentId: principal.userId } : { tutorId: principal.userId });
  }

  /** A student's credits per tutor and lesson length. */
  async credits(principal: Principal): Promise<CreditBalance[]> {
    if (principal.role !== 'student') throw AppError.forbidden('Only students hold credits');
    return this.deps.packages.balances(principal.userId);
  }

  /** Admins: refund the package's unused credits pro rata; one refund per Idempotency-Key. */
  async adminRefund(principal: Principal, packageId: string, reason: string, idempotencyKey: string) {
    requireAdmin(principal);
    if (!(await this.deps.packages.findPackage(packageId))) throw AppError.notFound('Package');
    const requestId = createHash('sha256').update(`${principal.userId}\u0000${idempotencyKey}`).digest('hex').slice(0, 32);
    return this.deps.workflows.update(packageId, adminRefundPackageUpdate, { adminId: principal.userId, reason, requestId }, `admin-refund-${requestId}`);
  }

  /** Admins: settle a refused refund or payout of the package (run it again, or close it as settled outside). */
  async adminResolveAttention(principal: Principal, packageId: string, action: 'retry' | 'close', reason: string, itemId?: string) {
    requireAdmin(principal);
    if (!(await this.deps.packages.findPackage(packageId))) throw AppError.notFound('Package');
    return this.deps.workflows.update(packageId, resolvePackageAttentionUpdate, { adminId: principal.userId, action, reason, ...(itemId ? { itemId } : {}) });
  }

  // ---- trial lessons --------------------------------------------------------------------------

  /** A tutor offers one first lesson per student at this length and price (0: free). */
  async setTrialOffer(principal: Principal, input: { lengthMinutes: number; priceMinor: number }): Promise<TrialOffer> {
    if (principal.role !== 'tutor') throw AppError.forbidden('Only tutors offer trial lessons');
    const profile = await this.deps.tutors.findByUserId(principal.userId);
    if (!profile) throw AppError.conflict('Create your tutor profile before offering a trial lesson');
    if (!profile.lessonLengths.includes(input.lengthMinutes)) throw new AppError('unprocessable', `You do not offer lessons of ${input.lengthMinutes} minutes`);
    return this.deps.packages.upsertTrialOffer({ tutorId: principal.userId, lengthMinutes: input.lengthMinutes, priceMinor: input.priceMinor, currency: profile.currency });
  }

  async removeTrialOffer(principal: Principal): Promise<void> {
    if (principal.role !== 'tutor') throw AppError.forbidden('Only tutors offer trial lessons');
    if (!(await this.deps.packages.deleteTrialOffer(principal.userId))) throw AppError.notFound('Trial offer');
  }

  /** A tutor's trial offer (public); for a signed-in student, whether theirs is still to take. */
  async trialOffer(tutorId: string, principal?: Principal): Promise<TrialOffer & { available: boolean | null }> {
    const offer = await this.deps.packages.findTrialOffer(tutorId);
    if (!offer) throw AppError.notFound('Trial offer');
    const available = principal?.role === 'student' ? !(await this.deps.packages.hasUsedTrial(principal.userId, tutorId)) : null;
    return { ...offer, available };
  }
}
