import { useEffect, useRef, useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '../../../client/index.js';
import { formatInstant } from '../format.js';
import { useRealtime, useRealtimeEvents } from '../realtime.js';
import { Link, navigate } from '../router.js';
import { api, useSession } from '../session.js';
import { ErrorMessage, Loading, Page, Show, useAction, useLoad } from '../ui.js';

type Message = Schemas['Message'];
type Conversation = Schemas['Conversation'];
type Presence = 'online' | 'away' | 'offline';

const TYPING_REPEAT_MS = 2_000;
const TYPING_SHOWN_MS = 5_000;

async function conversations(): Promise<Conversation[]> {
  return unwrap(await api.GET('/api/conversations', { params: { query: { limit: 100 } } })).items;
}

export function Conversations({ withUser }: { withUser?: string | undefined }) {
  const list = useLoad(conversations, []);
  const opening = useAction();
  useEffect(() => {
    if (!withUser) return;
    void opening.run(async () => {
      const conversation = unwrap(await api.POST('/api/conversations', { body: { participantId: withUser } }));
      navigate(`/messages/${conversation.id}`, { replace: true });
    });
  }, [withUser]);
  useRealtimeEvents((event) => {
    if (event.type === 'message.new' || event.type === 'message.read') list.reload();
  });
  return (
    <Page title="Messages">
      <ErrorMessage message={opening.error} />
      {withUser && !opening.error ? <Loading label="Opening the conversation…" /> : null}
      <Show loaded={list}>
        {(items) =>
          items.length === 0 ? (
            <p>No conversations yet. Start one from a tutor’s page or a booking.</p>
          ) : (
            <ul className="conversations">
              {items.map((conversation) => (
                <li key={conversation.id} className="card">
                  <Link to={`/messages/${conversation.id}`}>{conversation.participant.displayName}</Link>
                  {conversation.unreadCount > 0 ? <span className="badge badge-unread">{conversation.unreadCount} unread</span> : null}
                  <p className="muted">{conversation.lastMessage ? `${conversation.lastMessage.text.slice(0, 80)} · ${formatInstant(conversation.lastMessage.createdAt)}` : 'No messages yet'}</p>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </Page>
  );
}

/** Ascending by time, each message once (a resend or a reconnect may deliver one twice). */
function merge(messages: Message[], more: Message[]): Message[] {
  const byId = new Map(messages.map((message) => [message.id, message]));
  for (const message of more) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

export function Conversation({ conversationId }: { conversationId: string }) {
  const me = useSession()!.account;
  const { send } = useRealtime();
  const meta = useLoad(async () => {
    const found = (await conversations()).find((conversation) => conversation.id === conversationId);
    if (!found) throw new Error('This conversation does not exist or is not yours.');
    return found;
  }, [conversationId]);
  const [messages, setMessages] = useState<Message[] | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [theirReadPointer, setTheirReadPointer] = useState<string | null>(null);
  const [presence, setPresence] = useState<Presence>('offline');
  const [typingUntil, setTypingUntil] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [draft, setDraft] = useState('');
  const [sendError, setSendError] = useState<string | undefined>();
  const lastTypingSent = useRef(0);
  const bottom = useRef<HTMLLIElement | null>(null);
  const other = meta.data?.participant;

  const catchUp = async () => {
    try {
      const page = unwrap(await api.GET('/api/conversations/{id}/messages', { params: { path: { id: conversationId }, query: { limit: 100 } } }));
      setMessages((current) => merge(current ?? [], page.items));
    } catch (error) {
      setLoadError((error as Error).message);
    }
  };
  useEffect(() => {
    setMessages(undefined);
    void catchUp();
  }, [conversationId]);
  useEffect(() => {
    if (meta.data) setTheirReadPointer(meta.data.participantLastReadMessageId);
  }, [meta.data]);
  useEffect(() => {
    if (!other) return;
    send({ type: 'presence.subscribe', userIds: [other.id] });
    return () => send({ type: 'presence.unsubscribe', userIds: [other.id] });
  }, [other, send]);
  // Typing indicators fade on their own if the "stop" never comes.
  useEffect(() => {
    if (typingUntil <= now) return;
    const timer = setTimeout(() => setNow(Date.now()), typingUntil - now);
    return () => clearTimeout(timer);
  }, [typingUntil, now]);

  // Mark read what is on screen: the newest message from the other person.
  const newestTheirs = [...(messages ?? [])].reverse().find((message) => message.senderId !== me.id);
  useEffect(() => {
    if (newestTheirs && !document.hidden) send({ type: 'message.read', conversationId, messageId: newestTheirs.id });
  }, [newestTheirs?.id, conversationId, send]);
  useEffect(() => {
    // Block body: newer browsers' scrollIntoView returns a promise, which an effect must not return.
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [messages?.length]);

  useRealtimeEvents((event, reconnected) => {
    if (event.type === 'ready') {
      if (other) send({ type: 'presence.subscribe', userIds: [other.id] });
      if (reconnected) void catchUp();
    } else if ((event.type === 'message.new' || event.type === 'message.ack') && event.message.conversationId === conversationId) {
      setMessages((current) => merge(current ?? [], [event.message]));
      if (event.type === 'message.new' && event.message.senderId !== me.id) setTypingUntil(0);
    } else if (event.type === 'message.read' && event.conversationId === conversationId && event.userId !== me.id) {
      setTheirReadPointer(event.messageId);
    } else if (event.type === 'typing' && event.conversationId === conversationId && event.userId !== me.id) {
      setNow(Date.now());
      setTypingUntil(event.state === 'start' ? Date.now() + TYPING_SHOWN_MS : 0);
    } else if (event.type === 'presence' && event.userId === other?.id) {
      setPresence(event.status);
    } else if (event.type === 'presence.snapshot') {
      const theirs = event.users.find((user) => user.userId === other?.id);
      if (theirs) setPresence(theirs.status);
    } else if (event.type === 'error' && event.ref?.startsWith('send:')) {
      setSendError(event.message);
    }
  });

  const onDraft = (text: string) => {
    setDraft(text);
    if (text && Date.now() - lastTypingSent.current > TYPING_REPEAT_MS) {
      lastTypingSent.current = Date.now();
      send({ type: 'typing', conversationId, state: 'start' });
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text) return;
    const clientMessageId = crypto.randomUUID();
    setSendError(undefined);
    send({ type: 'message.send', ref: `send:${clientMessageId}`.slice(0, 64), conversationId, clientMessageId, text });
    send({ type: 'typing', conversationId, state: 'stop' });
    lastTypingSent.current = 0;
    setDraft('');
  };

  // "Read" goes under my newest message the other person has read up to.
  const readIndex = theirReadPointer ? (messages ?? []).findIndex((message) => message.id === theirReadPointer) : -1;
  const mine = (messages ?? []).map((message, index) => ({ message, index })).filter(({ message, index }) => message.senderId === me.id && index <= readIndex);
  const lastReadMine = mine.at(-1)?.message.id;
  const typing = typingUntil > now;

  return (
    <Page
      title={other ? `Chat with ${other.displayName}` : 'Chat'}
      actions={
        other ? (
          <span className={`presence presence-${presence}`} data-testid="presence">
            {presence}
          </span>
        ) : null
      }
    >
      <ErrorMessage message={meta.error ?? loadError} />
      {messages === undefined ? (
        <Loading />
      ) : (
        <ol className="messages" aria-label="Messages" aria-live="polite">
          {messages.length === 0 ? <li className="muted">No messages yet: say hello.</li> : null}
          {messages.map((message) => (
            <li key={message.id} className={message.senderId === me.id ? 'message mine' : 'message theirs'}>
              <p>{message.text}</p>
              <small>
                <time dateTime={message.createdAt}>{formatInstant(message.createdAt)}</time>
                {message.id === lastReadMine ? (
                  <span className="read-receipt" data-testid="read-receipt">
                    {' '}
                    · Read
                  </span>
                ) : null}
              </small>
            </li>
          ))}
          <li ref={bottom} aria-hidden="true" />
        </ol>
      )}
      <p className="typing" role="status" aria-live="polite">
        {typing && other ? `${other.displayName} is typing…` : ''}
      </p>
      <form className="composer" onSubmit={submit}>
        <label htmlFor="composer-text">Message</label>
        <textarea id="composer-text" rows={2} maxLength={4000} value={draft} onChange={(event) => onDraft(event.target.value)} onBlur={() => draft && send({ type: 'typing', conversationId, state: 'stop' })} />
        <button type="submit">Send</button>
      </form>
      <ErrorMessage message={sendError} />
    </Page>
  );
}
