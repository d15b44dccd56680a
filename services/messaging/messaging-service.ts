/**
 * Conversations between a student and a tutor, and their messages. Every method acting for a user
 * checks first that the user takes part in the conversation; anyone else gets 404, never its data.
 *
 * A message is committed to Postgres before this returns, so a caller that acks after it never acks
 * a message that could be lost; the sender's client message id makes a resend return the original.
 */
import type { Knex } from 'knex';
import type { Conversation } from '../../db/models/conversation.js';
import type { Message } from '../../db/models/message.js';
import type { Role } from '../../db/models/user.js';
import { ConversationReadRepository } from '../../db/repositories/conversation-read-repository.js';
import { ConversationRepository } from '../../db/repositories/conversation-repository.js';
import { MessageAttachmentRepository } from '../../db/repositories/message-attachment-repository.js';
import { MessageRepository } from '../../db/repositories/message-repository.js';
import { PaidLessonRepository } from '../../db/repositories/paid-lesson-repository.js';
import { UserRepository } from '../../db/repositories/user-repository.js';
import { AppError } from '../../domain/errors.js';
import { maskContactDetails } from './contact-masking.js';
import type { AttachmentView, ConversationView, MessageView, Page, ReadReceipt } from './views.js';

export interface Actor {
  userId: string;
  role: Role;
}

export interface SendMessageInput {
  /** Either the conversation… */
  conversationId?: string | undefined;
  /** …or the other person, for a first message (the conversation is created). */
  recipientId?: string | undefined;
  clientMessageId: string;
  text: string;
  attachmentFileId?: string | undefined;
}

export interface SentMessage {
  message: MessageView;
  /** True when this client message id was already stored: the original is returned, nothing is written. */
  duplicate: boolean;
  /** Who else must see it live. */
  recipientId: string;
}

export class MessagingService {
  private readonly conversations: ConversationRepository;
  private readonly messages: MessageRepository;
  private readonly reads: ConversationReadRepository;
  private readonly users: UserRepository;
  private readonly paidLessons: PaidLessonRepository;
  private readonly attachments: MessageAttachmentRepository;

  constructor(db: Knex) {
    this.conversations = new ConversationRepository(db);
    this.messages = new MessageRepository(db);
    this.reads = new ConversationReadRepository(db);
    this.users = new UserRepository(db);
    this.paidLessons = new PaidLessonRepository(db);
    this.attachments = new MessageAttachmentRepository(db);
  }

  /** The conversation between the actor and `participantId`, created on first use. */
  async openConversation(actor: Actor, participantId: string): Promise<{ conversation: ConversationView; created: boolean }> {
    const pair = await this.pairWith(actor, participantId);
    const { conversation, created } = await this.conversations.findOrCreate(pair.studentId, pair.tutorId);
    const [view] = await this.describeConversations(actor, [{ conversation, lastMessage: null, unreadCount: 0 }]);
    return { conversation: view!, created };
  }

  /** Most recent activity first. `before` is a conversation id: the page holds those listed after it. */
  async listConversations(actor: Actor, page: { limit: number; before?: string | undefined }): Promise<Page<ConversationView>> {
    if (page.before !== undefined && !(await this.findParticipation(actor, page.before))) {
      throw AppError.invalidInput('The cursor is not one of your conversations', [{ path: 'query.before', message: 'unknown conversation id' }]);
    }
    const rows = await this.conversations.listForUser(actor.userId, { limit: page.limit + 1, ...(page.before ? { beforeId: page.before } : {}) });
    const items = await this.describeConversations(actor, rows.slice(0, page.limit));
    return { items, nextCursor: rows.length > page.limit ? items[items.length - 1]!.id : null };
  }

  /** History, newest first. `before` is a message id: the page holds the messages older than it. */
  async history(actor: Actor, conversationId: string, page: { limit: number; before?: string | undefined }): Promise<Page<MessageView>> {
    await this.participation(actor, conversationId);
    let beforeSeq: string | undefined;
    if (page.before !== undefined) {
      const cursor = await this.messages.findById(page.before);
      if (!cursor || cursor.conversationId !== conversationId) {
        throw AppError.invalidInput('The cursor is not a message of this conversation', [{ path: 'query.before', message: 'unknown message id' }]);
      }
      beforeSeq = cursor.seq;
    }
    const rows = await this.messages.pageOfConversation(conversationId, { limit: page.limit + 1, ...(beforeSeq ? { beforeSeq } : {}) });
    const items = await this.describeMessages(rows.slice(0, page.limit));
    return { items, nextCursor: rows.length > page.limit ? items[items.length - 1]!.id : null };
  }

  async send(actor: Actor, input: SendMessageInput): Promise<SentMessage> {
    const existing = await this.messages.findBySenderAndClientId(actor.userId, input.clientMessageId);
    if (existing) {
      const conversation = await this.participation(actor, existing.conversationId);
      const [message] = await this.describeMessages([existing]);
      return { message: message!, duplicate: true, recipientId: otherParticipant(conversation, actor.userId) };
    }

    const conversation = input.conversationId
      ? await this.participation(actor, input.conversationId)
      : await this.conversationWith(actor, input.recipientId);
    const recipientId = otherParticipant(conversation, actor.userId);

    if (input.attachmentFileId && !(await this.attachments.findUsable(input.attachmentFileId, actor.userId))) {
      throw AppError.notFound('The attachment (a ready message attachment you uploaded)');
    }
    if (!input.text.trim() && !input.attachmentFileId) {
      throw AppError.invalidInput('A message needs text or an attachment', [{ path: 'text', message: 'empty' }]);
    }

    let { text, kinds } = maskContactDetails(input.text);
    if (kinds.length > 0 && (await this.paidLessons.exists(conversation.studentId, conversation.tutorId))) {
      text = input.text;
      kinds = [];
    }

    const stored = await this.messages.insertOnce(
      {
        conversationId: conversation.id,
        senderId: actor.userId,
        clientMessageId: input.clientMessageId,
        body: text,
        masked: kinds.length > 0,
        attachmentFileId: input.attachmentFileId ?? null,
      },
      kinds,
    );
    const [message] = await this.describeMessages([stored.message]);
    return { message: message!, duplicate: !stored.inserted, recipientId };
  }

  /** Moves the actor's read pointer up to `messageId` (never back). */
  async markRead(actor: Actor, conversationId: string, messageId: string): Promise<{ receipt: ReadReceipt; moved: boolean; recipientId: string }> {
    const conversation = await this.participation(actor, conversationId);
    const message = await this.messages.findById(messageId);
    if (!message || message.conversationId !== conversationId) throw AppError.notFound('The message');
    const { read, moved } = await this.reads.advance({ conversationId, userId: actor.userId, seq: message.seq, messageId, at: new Date() });
    return {
      receipt: { conversationId, userId: actor.userId, messageId: read.lastReadMessageId, readAt: read.readAt.toISOString() },
      moved,
      recipientId: otherParticipant(conversation, actor.userId),
    };
  }

  /** The other participant, after checking the actor is one (typing indicators ask this). */
  async counterpart(actor: Actor, conversationId: string): Promise<string> {
    return otherParticipant(await this.participation(actor, conversationId), actor.userId);
  }

  /** Of `userIds`, whose presence the actor may see: tutors (public) and people they talk to. */
  async visiblePresence(actor: Actor, userIds: readonly string[]): Promise<string[]> {
    const unique = [...new Set(userIds)].filter((id) => id !== actor.userId);
    const [counterparts, users] = await Promise.all([this.conversations.counterpartsAmong(actor.userId, unique), this.users.findByIds(unique)]);
    const allowed = new Set([...counterparts, ...users.filter((user) => user.role === 'tutor' && !user.disabledAt).map((user) => user.id)]);
    return unique.filter((id) => allowed.has(id));
  }

  /** Throws 404 unless `tutorId` is an active tutor (clients watch tutors' availability). */
  async requireTutor(tutorId: string): Promise<void> {
    const user = await this.users.findById(tutorId);
    if (!user || user.role !== 'tutor' || user.disabledAt) throw AppError.notFound('The tutor');
  }

  /**
   * Whether the user may download the attachment: they take part in a conversation it was sent in.
   * The files service asks this (a read rule for 'message_attachment') before presigning a download.
   */
  async canReadAttachment(fileId: string, userId: string): Promise<boolean> {
    return this.messages.isAttachedInConversationOf(fileId, userId);
  }

  private async participation(actor: Actor, conversationId: string): Promise<Conversation> {
    const conversation = await this.findParticipation(actor, conversationId);
    if (!conversation) throw AppError.notFound('The conversation');
    return conversation;
  }

  private async findParticipation(actor: Actor, conversationId: string): Promise<Conversation | undefined> {
    const conversation = await this.conversations.findById(conversationId);
    return conversation && (conversation.studentId === actor.userId || conversation.tutorId === actor.userId) ? conversation : undefined;
  }

  private async conversationWith(actor: Actor, recipientId: string | undefined): Promise<Conversation> {
    if (!recipientId) throw AppError.invalidInput('Name the conversation or the recipient', [{ path: 'conversationId', message: 'required' }]);
    const pair = await this.pairWith(actor, recipientId);
    return (await this.conversations.findOrCreate(pair.studentId, pair.tutorId)).conversation;
  }

  /** Conversations are between one student and one tutor; admins do not take part in them. */
  private async pairWith(actor: Actor, participantId: string): Promise<{ studentId: string; tutorId: string }> {
    if (actor.role === 'admin') throw AppError.forbidden('Admins do not take part in conversations');
    const wanted: Role = actor.role === 'student' ? 'tutor' : 'student';
    const participant = await this.users.findById(participantId);
    if (!participant || participant.role !== wanted || participant.disabledAt) throw AppError.notFound(`The ${wanted}`);
    return actor.role === 'student' ? { studentId: actor.userId, tutorId: participant.id } : { studentId: participant.id, tutorId: actor.userId };
  }

  private async describeMessages(rows: Message[]): Promise<MessageView[]> {
    const fileIds = rows.map((row) => row.attachmentFileId).filter((id): id is string => id !== null);
    const files = new Map((await this.attachments.findByIds([...new Set(fileIds)])).map((file) => [file.id, file]));
    return rows.map((row) => {
      const file = row.attachmentFileId ? files.get(row.attachmentFileId) : undefined;
      const attachment: AttachmentView | null = file
        ? { fileId: file.id, filename: file.originalFilename, contentType: file.contentType, size: file.declaredSize }
        : null;
      return {
        id: row.id,
        conversationId: row.conversationId,
        senderId: row.senderId,
        clientMessageId: row.clientMessageId,
        text: row.body,
        masked: row.masked,
        attachment,
        createdAt: new Date(row.createdAt).toISOString(),
      };
    });
  }

  private async describeConversations(
    actor: Actor,
    rows: { conversation: Conversation; lastMessage: Message | null; unreadCount: number }[],
  ): Promise<ConversationView[]> {
    const ids = rows.map((row) => row.conversation.id);
    const counterpartIds = rows.map((row) => otherParticipant(row.conversation, actor.userId));
    const [users, reads, lastMessages] = await Promise.all([
      this.users.findByIds([...new Set(counterpartIds)]),
      this.reads.findForConversations(ids),
      this.describeMessages(rows.map((row) => row.lastMessage).filter((message): message is Message => message !== null)),
    ]);
    const usersById = new Map(users.map((user) => [user.id, user]));
    const lastById = new Map(lastMessages.map((message) => [message.conversationId, message]));
    const pointer = (conversationId: string, userId: string) =>
      reads.find((read) => read.conversationId === conversationId && read.userId === userId)?.lastReadMessageId ?? null;
    return rows.map(({ conversation, unreadCount }, index) => {
      const counterpart = usersById.get(counterpartIds[index]!);
      return {
        id: conversation.id,
        studentId: conversation.studentId,
        tutorId: conversation.tutorId,
        participant: { id: counterpartIds[index]!, displayName: counterpart?.displayName ?? '', role: counterpart?.role ?? 'student' },
        lastMessage: lastById.get(conversation.id) ?? null,
        unreadCount,
        lastReadMessageId: pointer(conversation.id, actor.userId),
        participantLastReadMessageId: pointer(conversation.id, counterpartIds[index]!),
        lastActivityAt: new Date(conversation.lastActivityAt).toISOString(),
        createdAt: new Date(conversation.createdAt).toISOString(),
      };
    });
  }
}

function otherParticipant(conversation: Conversation, userId: string): string {
  return conversation.studentId === userId ? conversation.tutorId : conversation.studentId;
}

