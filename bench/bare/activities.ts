export interface BareActivities {
  noop(): Promise<string>;
}

export const bareActivities: BareActivities = {
  async noop() {
    return 'ok';
  },
};
