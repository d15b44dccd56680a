/**
 * One WebSocket per signed-in tab, shared by every page: pages listen to the events they care
 * about and send frames through it. Presence follows the tab's visibility (away when hidden).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ClientFrame, ServerEvent } from '../../client/index.js';
import { RealtimeConnection, type ConnectionState } from '../../client/realtime.js';
import { accessToken, confirmSession, useSession } from './session.js';

type Listener = (event: ServerEvent, reconnected: boolean) => void;

interface Realtime {
  send: (frame: ClientFrame) => void;
  listen: (listener: Listener) => () => void;
  state: ConnectionState;
}

const RealtimeContext = createContext<Realtime>({ send: () => {}, listen: () => () => {}, state: 'closed' });

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const userId = session?.account.id;
  const listeners = useRef(new Set<Listener>());
  const connection = useRef<RealtimeConnection | undefined>(undefined);
  const [state, setState] = useState<ConnectionState>('closed');

  useEffect(() => {
    if (!userId) return;
    let reconnected = false;
    const socket = new RealtimeConnection({
      url: `${location.origin.replace(/^http/, 'ws')}/ws`,
      accessToken: () => accessToken(),
      onReady: (again) => (reconnected = again),
      onState: setState,
      onEvent: (event) => listeners.current.forEach((listener) => listener(event, reconnected)),
      // An admin suspended or banned the account, or it signed out elsewhere: the page follows at once.
      onSessionEnded: () => void confirmSession(),
    });
    connection.current = socket;
    const onVisibility = () => socket.send({ type: 'presence.set', status: document.hidden ? 'away' : 'online' });
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      socket.close();
      connection.current = undefined;
    };
  }, [userId]);

  const send = useCallback((frame: ClientFrame) => connection.current?.send(frame), []);
  const listen = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);
  const value = useMemo<Realtime>(() => ({ state, send, listen }), [state, send, listen]);
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export function useRealtime(): Realtime {
  return useContext(RealtimeContext);
}

/** Calls `onEvent` for every server event while the component is mounted. */
export function useRealtimeEvents(onEvent: Listener): void {
  const { listen } = useRealtime();
  const latest = useRef(onEvent);
  latest.current = onEvent;
  useEffect(() => listen((event, reconnected) => latest.current(event, reconnected)), [listen]);
}
