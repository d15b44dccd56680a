import { createServer } from 'node:net';
import { LOOPBACK } from '../profiles.js';

/** A TCP port on the loopback interface that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolvePromise(address.port);
        else reject(new Error('could not read the port the OS assigned'));
      });
    });
  });
}
