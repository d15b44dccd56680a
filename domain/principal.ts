/** The identity a verified access token carries: who is calling, in every layer that acts for them. */
export interface Principal {
  userId: string;
  role: 'student' | 'tutor' | 'admin';
  /** The sign-in session (refresh-token family) the access token belongs to. */
  sessionId: string;
}
