import type { AccountService } from '../../../services/auth/account-service.js';
import { AccountSchema } from '../auth/schemas.js';
import { defineRoute, type RouteSpec } from '../../routing.js';

export function meRoutes(accounts: AccountService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/me',
      operationId: 'getMe',
      summary: 'The signed-in account',
      tags: ['me'],
      access: 'user',
      responses: { 200: { description: 'The account', schema: AccountSchema } },
      handler: async (ctx) => {
        ctx.body = await accounts.me(ctx.state.principal!);
      },
    }),
  ];
}
