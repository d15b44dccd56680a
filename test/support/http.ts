/** Reads a JSON answer for assertions; tests check the shape themselves. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions, not types, check these bodies
export type Json = any;

export async function readJson(response: Response): Promise<Json> {
  return response.json() as Promise<Json>;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body; the text when the answer is not JSON; undefined when it is empty. */
  body: Json;
}

export interface ApiCall {
  /** Signs the request as a test user (their Authorization header). */
  user?: { auth: Record<string, string> } | undefined;
  /** Or as a bare bearer token. */
  token?: string | undefined;
  cookie?: string | undefined;
  /** Sent as JSON; a string or bytes are sent as they are (with the JSON content type, unless headers say otherwise). */
  body?: unknown;
  headers?: Record<string, string>;
  redirect?: 'follow' | 'manual';
}

/** The one HTTP helper of the API tests: a request to the API at `baseUrl`, its answer with the body parsed. */
export async function callApi(baseUrl: string, method: string, path: string, options: ApiCall = {}): Promise<ApiAnswer> {
  const { body } = options;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    ...(options.redirect ? { redirect: options.redirect } : {}),
    headers: {
      ...(options.user?.auth ?? {}),
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...(options.cookie ? { Cookie: options.cookie } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? parseOrText(text) : undefined };
}

function parseOrText(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}
