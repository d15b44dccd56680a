/** Reads a JSON answer for assertions; tests check the shape themselves. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions, not types, check these bodies
export type Json = any;

export async function readJson(response: Response): Promise<Json> {
  return response.json() as Promise<Json>;
}
