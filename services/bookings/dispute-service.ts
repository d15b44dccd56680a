/**
 * Disputes: a student reports a problem with a lesson within the payout hold (reason, text, an
 * optional attachment uploaded through the files service); the payout freezes until an admin
 * decides how much of what remains goes back to the student. The booking workflow applies both
 * (commands reportProblem and decideDispute) and records the dispute for the admins' list.
 */
import type { BookingDisputeRepository, BookingDispute } from '../../db/repositories/booking-dispute-repository.js';
import type { FileRepository } from '../../db/repositories/file-repository.js';
import type { UserRepository } from '../../db/repositories/user-repository.js';
import type { DisputeReason } from '../../domain/booking-disputes.js';
import { AppError } from '../../domain/errors.js';
import { type Principal, requireAdmin } from '../../domain/principal.js';
import type { BookingWorkflowClient, UpdateOutcome } from '../../workflows/booking/client.js';
import { decideDisputeUpdate, reportProblemUpdate } from '../../workflows/booking/definitions.js';
import type { BookingService } from './booking-service.js';

export interface DisputeServiceDependencies {
  bookings: BookingService;
  workflows: BookingWorkflowClient;
  disputes: BookingDisputeRepository;
  files: FileRepository;
  users: UserRepository;
}

export interface ProblemReportRequest {
  reason: DisputeReason;
  text: string;
  attachmentFileId?: string | undefined;
}

export class DisputeService {
  constructor(private readonly deps: DisputeServiceDependencies) {}

  /** The booking's student reports a problem; the workflow checks the hold, the status and repeats. */
  async report(principal: Principal, bookingId: string, request: ProblemReportRequest): Promise<UpdateOutcome> {
    await this.deps.bookings.get(principal, bookingId);
    if (request.attachmentFileId) await this.requireOwnAttachment(principal, request.attachmentFileId);
    return this.deps.workflows.update(bookingId, reportProblemUpdate, {
      actorId: principal.userId,
      reason: request.reason,
      text: request.text,
      ...(request.attachmentFileId ? { attachmentFileId: request.attachmentFileId } : {}),
    });
  }

  /** Admins: how much of what remains goes back to the student; the tutor is paid on the rest. */
  async decide(principal: Principal, bookingId: string, refundMinor: number, reason: string): Promise<UpdateOutcome> {
    requireAdmin(principal);
    await this.deps.bookings.get(principal, bookingId);
    return this.deps.workflows.update(bookingId, decideDisputeUpdate, { adminId: principal.userId, refundMinor, reason });
  }

  /** Admins: the disputes that wait for a decision, oldest first. */
  async listOpen(principal: Principal, limit: number, after?: { at: Date; id: string }): Promise<BookingDispute[]> {
    requireAdmin(principal);
    return this.deps.disputes.listOpen(limit, after);
  }

  /** Read access to a dispute's attachment beyond its owner: the booking's tutor and admins. */
  async canReadAttachment(fileId: string, userId: string): Promise<boolean> {
    if (await this.deps.disputes.isAttachmentOfTutor(fileId, userId)) return true;
    const user = await this.deps.users.findById(userId);
    return user?.role === 'admin' && !user.disabledAt && (await this.deps.disputes.isAttachment(fileId));
  }

  private async requireOwnAttachment(principal: Principal, fileId: string): Promise<void> {
    const file = await this.deps.files.findById(fileId);
    const problem = (message: string) => new AppError('unprocessable', message);
    if (!file || file.ownerId !== principal.userId) throw problem('No such file of yours');
    if (file.purpose !== 'message_attachment') throw problem('An attachment must be uploaded with the purpose message_attachment');
    if (file.status !== 'ready') throw problem('The file is not confirmed yet: confirm the upload first');
  }
}
