import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { identifyRequest, provenUserId } from './identifyRequest.js';
import { parseRegisterBody, parseUnregisterBody } from './parseRegisterBody.js';
import { parseSendBody } from './parseSendBody.js';
import { readJsonBody } from './readJsonBody.js';
import { sendNotifications } from './sendNotifications.js';
import { ServerError, toServerError } from './serverErrors.js';
import type { ResolvedServerSettings } from './serverSettings.js';
import { placeholderPage, serveStaticFile } from './serveStaticFile.js';
import type {
  SubscriptionRow,
  SubscriptionStore,
} from './subscriptionStore.js';

const routeMethods: Record<string, string> = {
  '/pushdata/vapidpublickey': 'GET, HEAD',
  '/pushdata/register': 'POST, DELETE',
  '/pushdata/sendnotification': 'POST',
  '/healthz': 'GET, HEAD',
};

/**
 * Builds the Hono app of the push routes (see DESIGN.md, "Server
 * contract"), `GET /healthz` and the static demo at `/`, over an open
 * store. Every error answer is `{ error: { code, message } }`; one log
 * line per request, without endpoints or keys.
 */
export function createPushApp(
  settings: ResolvedServerSettings,
  store: SubscriptionStore,
): Hono {
  const app = new Hono();
  const { logger } = settings;
  const keyTag = `"${hash(settings.vapidPublicKey).toString('base64url')}"`;
  const apiKeyHash = hash(settings.apiKey);

  // Both send routes sign with the stored keys and drop gone rows
  const send = (rows: SubscriptionRow[], payloadText: string, ttl: number) =>
    sendNotifications(rows, {
      vapid: {
        subject: settings.vapidSubject,
        publicKey: settings.vapidPublicKey,
        privateKey: settings.vapidPrivateKey,
      },
      payloadText,
      ttl,
      timeoutMs: settings.sendTimeoutMs,
      concurrency: settings.sendConcurrency,
      allowedPushHosts: settings.allowedPushHosts,
      onGone: (endpoint) => store.remove(endpoint),
    });

  // One line per request
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    c.header('x-content-type-options', 'nosniff');
    logger.info('request', {
      method: c.req.method,
      path: c.req.path.slice(0, 200),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });

  // Cross-origin callers named in the settings; no credentials needed,
  // tokens travel in Authorization
  app.use(
    '/pushdata/*',
    cors({
      origin: settings.corsOrigins.includes('*') ? '*' : settings.corsOrigins,
      allowMethods: ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'Authorization', 'If-None-Match'],
      exposeHeaders: ['ETag', 'Retry-After'],
      credentials: false,
      maxAge: 600,
    }),
  );

  app.onError((error, c) => {
    const failure = toServerError(error);
    if (failure.code === 'internal') {
      logger.error('unhandled error', {
        path: c.req.path.slice(0, 200),
        error: error instanceof Error ? error.name : typeof error,
      });
    }

    return c.json(failure.toBody(), failure.status);
  });

  app.notFound((c) =>
    c.json(
      new ServerError(
        'not-found',
        404,
        `No route for ${c.req.method}`,
      ).toBody(),
      404,
    ),
  );

  // Key
  app.get('/pushdata/vapidpublickey', (c) => {
    c.header('etag', keyTag);
    c.header('cache-control', 'public, no-cache');
    const tags = c.req.header('if-none-match') ?? '';
    if (tags.split(/\s*,\s*/).some((tag) => tag === keyTag || tag === '*')) {
      return c.body(null, 304);
    }

    return c.json({ publicKey: settings.vapidPublicKey });
  });

  // Register
  app.post('/pushdata/register', async (c) => {
    const raw = await readJsonBody(c.req.raw, settings.bodyLimitBytes);
    const body = parseRegisterBody(raw, settings.allowedPushHosts);
    const userId = await identifyRequest(
      c.req.raw,
      settings.auth,
      body.options.idUser,
    );

    const { subscription } = body;
    const result = store.upsert(
      {
        endpoint: subscription.endpoint,
        p256dh: subscription.keys.p256dh,
        auth: subscription.keys.auth,
        expirationTime: subscription.expirationTime,
        userId,
        options: body.options,
      },
      body.previousEndpoint,
    );

    return c.json({ status: result }, result === 'created' ? 201 : 200);
  });

  app.delete('/pushdata/register', async (c) => {
    const raw = await readJsonBody(c.req.raw, settings.bodyLimitBytes);
    const { endpoint } = parseUnregisterBody(raw);
    const userId =
      settings.auth.mode === 'open'
        ? undefined
        : await provenUserId(c.req.raw, settings.auth);

    return c.json({ removed: store.remove(endpoint, userId) });
  });

  // Send
  app.post('/pushdata/sendnotification', async (c) => {
    const raw = await readJsonBody(c.req.raw, settings.bodyLimitBytes);
    const apiKey = (raw as { apiKey?: unknown } | null)?.apiKey;
    if (
      typeof apiKey !== 'string' ||
      !timingSafeEqual(hash(apiKey), apiKeyHash)
    ) {
      throw new ServerError(
        'unauthorized',
        401,
        'A valid `apiKey` is required',
      );
    }
    const body = parseSendBody(raw);

    const rows = store.listSubscriptions(
      body.users === undefined ? undefined : { users: body.users },
    );
    return c.json(await send(rows, body.payloadText, body.ttl));
  });

  // Demo: a test notification to one user, without the API key
  if (settings.demoSendRoute === true && settings.auth.mode === 'open') {
    app.post('/pushdata/demo/sendtest', async (c) => {
      const raw = await readJsonBody(c.req.raw, settings.bodyLimitBytes);
      const idUser = (raw as { idUser?: unknown } | null)?.idUser;
      if (typeof idUser !== 'string' || idUser === '' || idUser.length > 256) {
        throw new ServerError(
          'invalid-body',
          400,
          '`idUser` must be a non-empty string of at most 256 characters',
        );
      }

      const rows = store.listSubscriptions({ users: [idUser] });
      const payloadText = JSON.stringify({
        title: 'Test notification',
        body: 'Push notifications work on this device.',
        data: { url: '/' },
      });

      return c.json(await send(rows, payloadText, 60));
    });
  }

  app.get('/healthz', (c) => c.json({ ok: true }));

  // Known paths, other methods
  for (const [path, allow] of Object.entries(routeMethods)) {
    app.all(path, (c) => {
      c.header('allow', allow);

      return c.json(
        new ServerError(
          'method-not-allowed',
          405,
          `${c.req.method} is not allowed on ${path}`,
        ).toBody(),
        405,
      );
    });
  }

  // Demo page
  app.get('*', async (c) => {
    const method = c.req.method === 'HEAD' ? 'HEAD' : 'GET';
    if (settings.staticDir !== undefined) {
      const response = await serveStaticFile(
        settings.staticDir,
        c.req.path,
        method,
      );

      return response ?? c.notFound();
    }

    return c.req.path === '/' ? c.html(placeholderPage) : c.notFound();
  });

  return app;
}

function hash(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
