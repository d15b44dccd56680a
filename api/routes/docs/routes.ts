/**
 * The API's own description: the OpenAPI document and a Swagger UI page that renders it. The UI's
 * assets are served from the swagger-ui-dist package, so the docs work offline too.
 */
import { readFile } from 'node:fs/promises';
import type { Middleware } from 'koa';
import path from 'node:path';
import { createRequire } from 'node:module';
import { defineRoute, type RouteSpec } from '../../routing.js';
import { z } from 'zod';

const require = createRequire(import.meta.url);
const SWAGGER_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
} as const;

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Tutorflow API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

// Kept out of the page so the docs work under a Content-Security-Policy without 'unsafe-inline'.
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });`;

/** The router matches one spelling only; people type /docs/ into a browser, so that one is sent on. */
export function docsTrailingSlash(): Middleware {
  return (ctx, next) => {
    if (ctx.path !== '/docs/' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.status = 308;
    ctx.redirect('/docs');
  };
}

export function docsRoutes(document: () => Record<string, unknown>): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI 3.1 document',
      tags: ['docs'],
      access: 'public',
      responses: { 200: { description: 'The OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
      handler: async (ctx) => {
        ctx.body = document();
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs',
      operationId: 'getApiDocs',
      summary: 'Interactive API documentation',
      tags: ['docs'],
      access: 'public',
      responses: { 200: { description: 'An HTML page', schema: z.string(), contentType: 'text/html' } },
      handler: async (ctx) => {
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = DOCS_PAGE;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs/init.js',
      operationId: 'getApiDocsScript',
      summary: 'The script that starts the documentation page',
      tags: ['docs'],
      access: 'public',
      responses: { 200: { description: 'JavaScript', schema: z.string(), contentType: 'text/javascript' } },
      handler: async (ctx) => {
        ctx.type = 'text/javascript; charset=utf-8';
        ctx.body = INIT_SCRIPT;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs/assets/:file',
      operationId: 'getApiDocsAsset',
      summary: 'A static asset of the documentation page',
      tags: ['docs'],
      access: 'public',
      params: z.object({ file: z.enum(Object.keys(ASSETS) as [keyof typeof ASSETS]) }),
      responses: { 200: { description: 'The asset', schema: z.string(), contentType: [...new Set(Object.values(ASSETS).map((type) => type.split(';')[0]!))] } },
      errors: [404],
      handler: async (ctx, { params }) => {
        ctx.type = ASSETS[params.file];
        ctx.set('Cache-Control', 'public, max-age=86400');
        ctx.body = await readFile(path.join(SWAGGER_DIR, params.file));
      },
    }),
  ];
}
