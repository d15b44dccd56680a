/** Progress lines for a person watching `stack up`; the API default is silence. */
export type StackLog = (line: string) => void;

export const silent: StackLog = () => {};
