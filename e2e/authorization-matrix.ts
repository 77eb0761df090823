import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { FakeStripe } from '@rentguy/testing/stripe-fake';
import { ApiClient, eventually, type ApiResponse } from './client';

/**
 * The authorization matrix (every object route × every kind of caller), declared inside the
 * platform suite so that it reuses the running platform. What it needs of that suite comes in here.
 */
export interface MatrixContext {
  api: () => ApiClient;
  stripe: () => FakeStripe;
  /** The repository root, where the built admin command lives. */
  root: string;
  /** The database the platform runs on, for the admin command. */
  databaseUrl: string;
}

const CALLERS = [
  'guestA',
  'guestB',
  'hostX',
  'hostY',
  'admin',
  'keyScoped',
  'keyUnscoped',
  'anonymous',
] as const;
type Caller = (typeof CALLERS)[number];
type Expected = Record<Caller, number>;

/** The scopes of `api-key.scopes.ts`; host X holds a key with all of them and keys lacking one each. */
const SCOPES = ['properties:read', 'properties:write', 'bookings:read', 'calendar:write'] as const;
type Scope = (typeof SCOPES)[number];

/**
 * Routes of the spec that are not in the matrix, each with why. Every other route must have a row:
 * a new route fails the coverage test until someone decides who may call it.
 */
const EXCLUDED: Record<string, string> = {
  // Sessions and accounts before sign-in: no caller's object, covered by the session tests.
  'POST /v1/auth/login': 'sign-in',
  'POST /v1/auth/logout': 'session',
  'POST /v1/auth/password-reset': 'sign-in recovery',
  'POST /v1/auth/password-reset/confirm': 'sign-in recovery',
  'POST /v1/auth/refresh': 'session',
  'POST /v1/auth/register': 'sign-up',
  // Authenticated by the provider's signature, not by a caller.
  'POST /v1/webhooks/mollie': 'webhook',
  'POST /v1/webhooks/stripe': 'webhook',
  // Authenticated by the signed token of the email link.
  'GET /v1/notifications/unsubscribe': 'unsubscribe link',
  'POST /v1/notifications/unsubscribe': 'unsubscribe link',
};

interface Call {
  /** Fills the route's `{name}` placeholders. */
  params?: Record<string, string>;
  query?: string;
  json?: unknown;
  /** A multipart body, made per call (a FormData is read once). */
  form?: () => FormData;
}

interface Row {
  /** The scope an API key needs for this route; none when API keys are refused on it. */
  scope?: Scope;
  expected: Expected;
  /**
   * The request of one cell. `allowed` (the cell expects a 2xx) asks for a fresh object where the
   * call changes or removes it, so that no cell depends on another's side effects.
   */
  call: (allowed: boolean) => Call | Promise<Call>;
  /** For a mutating route: what a refused call must leave as it was, read by the object's owner. */
  state?: () => Promise<unknown>;
  /** For a list: ids a caller's answer must hold (their own) and must not (strangers'), once made. */
  lists?: () => Partial<Record<Caller, { own?: string[]; strangers?: string[] }>>;
}

interface Mismatch {
  route: string;
  caller: Caller;
  expected: number | string;
  got: number | string;
}

type Json = Record<string, unknown>;

/** The same answer for every caller, then the exceptions. */
const all = (status: number, exceptions: Partial<Expected> = {}): Expected => ({
  ...(Object.fromEntries(CALLERS.map((caller) => [caller, status])) as Expected),
  ...exceptions,
});

/** A private route: 401 anonymous, 403 to both API keys unless said otherwise. */
const signedIn = (cells: Omit<Expected, 'anonymous' | 'keyScoped' | 'keyUnscoped'> & Partial<Expected>) =>
  ({ keyScoped: 403, keyUnscoped: 403, anonymous: 401, ...cells }) as Expected;

/** Only admins: everyone else 403, anonymous 401. */
const adminOnly = (status: number): Expected => all(403, { admin: status, anonymous: 401 });

/** Host X's own object, through a route for hosts that admins may also use. */
const hostXOrAdmin = (status: number): Expected => ({
  guestA: 403,
  guestB: 403,
  hostX: status,
  hostY: 403,
  admin: status,
  keyScoped: status,
  keyUnscoped: 403,
  anonymous: 401,
});

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** `?a=b` when there is a query. */
const withQuery = (path: string, query?: string): string => (query ? `${path}?${query}` : path);

export function describeAuthorizationMatrix(context: MatrixContext): void {
  describe('the authorization matrix', () => {
    const unique = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
    const password = 'correct horse battery staple';
    const tokens = {} as Record<'guestA' | 'guestB' | 'hostX' | 'hostY' | 'admin', string>;
    const userIds = {} as Record<'guestA' | 'guestB' | 'hostX' | 'hostY' | 'admin', string>;
    /** Host X's keys: one with every scope, and one lacking each scope in turn. */
    let fullKey = '';
    const keysLacking = {} as Record<Scope, string>;
    /** A key of host X that no caller uses, for the revoke route's refused cells. */
    let spareKeyId = '';
    let propertyX = '';
    let propertyY = '';
    let imageId = '';
    let imagePath = '';
    let blockId = '';
    let feedId = '';
    let bookingA = '';
    let bookingB = '';
    let applicationA = '';
    let applicationB = '';
    let paymentId = '';
    let paymentIntent = '';
    let stayOffset = 20;
    let feedCount = 0;
    const rows: Record<string, Row> = {};
    const api = (): ApiClient => context.api();

    async function register(name: string, role: 'guest' | 'host'): Promise<{ token: string; id: string }> {
      const email = `matrix-${name}-${unique}@example.com`;
      const registered = await api().post<Json>('/v1/auth/register', { email, password, name, role });
      expect(registered.status).toBe(201);
      return {
        token: String(registered.body.accessToken),
        id: String((registered.body.user as Json).id),
      };
    }

    /** Two nights no other fixture of the matrix holds. */
    function nextStay(): { checkIn: string; checkOut: string } {
      stayOffset += 3;
      return { checkIn: isoDay(stayOffset), checkOut: isoDay(stayOffset + 2) };
    }

    async function book(token: string): Promise<string> {
      const held = await api().post<Json>(
        '/v1/bookings',
        { propertyId: propertyX, ...nextStay(), guests: 1 },
        token,
      );
      expect(held.status).toBe(201);
      return String(held.body.id);
    }

    async function block(): Promise<string> {
      const from = nextStay();
      const created = await api().post<Json>(
        `/v1/properties/${propertyX}/blocks`,
        { from: from.checkIn, to: from.checkOut },
        tokens.hostX,
      );
      expect(created.status).toBe(201);
      return String(created.body.id);
    }

    const feedUrl = (): string => {
      feedCount += 1;
      return `https://calendar.example.com/${unique}/feed-${feedCount}.ics`;
    };

    async function feed(): Promise<string> {
      const created = await api().post<Json>(
        `/v1/properties/${propertyX}/calendar-feeds`,
        { url: feedUrl() },
        tokens.hostX,
      );
      expect(created.status).toBe(201);
      return String(created.body.id);
    }

    let photo: Buffer;
    const photoForm = (): FormData => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg');
      return form;
    };

    async function upload(): Promise<string> {
      const uploaded = await api().request<Json>('POST', `/v1/properties/${propertyX}/images`, {
        body: photoForm(),
        token: tokens.hostX,
      });
      expect(uploaded.status).toBe(202);
      return String(uploaded.body.id);
    }

    async function apply(token: string): Promise<string> {
      const created = await api().post<Json>(
        '/v1/applications',
        {
          propertyId: propertyX,
          consent: true,
          applicant: { fullName: 'Mat Rix', dateOfBirth: '1991-02-03' },
        },
        token,
      );
      expect(created.status).toBe(202);
      const id = String(created.body.id);
      await eventually(
        () => api().get<Json>(`/v1/applications/${id}`, token),
        (r) => r.body.status === 'screened',
        'the application to be screened',
      );
      return id;
    }

    async function createKey(scopes: readonly Scope[]): Promise<{ id: string; key: string }> {
      const created = await api().post<Json>(
        '/v1/api-keys',
        { name: `matrix ${scopes.join(' ')}`, scopes },
        tokens.hostX,
      );
      expect(created.status).toBe(201);
      return { id: String(created.body.id), key: String(created.body.key) };
    }

    const propertyState = async () => {
      const read = await api().get<Json>(`/v1/properties/${propertyX}`, tokens.hostX);
      // Image ids only: the worker turns earlier uploads from processing to ready meanwhile.
      const images = read.body.images as { id: string }[];
      return { title: read.body.title, images: images.map((image) => image.id) };
    };
    const blocksState = async () =>
      (await api().get<Json>(`/v1/properties/${propertyX}/blocks`, tokens.hostX)).body;
    const feedsState = async () =>
      (await api().get<Json>(`/v1/properties/${propertyX}/calendar-feeds`, tokens.hostX)).body;
    const bookingState = async () => (await api().get<Json>(`/v1/bookings/${bookingA}`, tokens.guestA)).body;

    beforeAll(async () => {
      photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#37a' } })
        .jpeg()
        .toBuffer();
      for (const [caller, role] of [
        ['guestA', 'guest'],
        ['guestB', 'guest'],
        ['hostX', 'host'],
        ['hostY', 'host'],
        ['admin', 'guest'],
      ] as const) {
        ({ token: tokens[caller], id: userIds[caller] } = await register(caller, role));
      }
      const adminEmail = `matrix-admin-${unique}@example.com`;
      await promisify(execFile)(
        process.execPath,
        [join(context.root, 'dist/apps/gateway/src/admin-create.js'), adminEmail],
        { env: { ...process.env, DATABASE_URL: context.databaseUrl, LOG_LEVEL: 'warn' } },
      );
      // The role is in the token: sign in again as the admin the command made.
      const login = await api().post<Json>('/v1/auth/login', { email: adminEmail, password });
      expect(login.status).toBe(200);
      tokens.admin = String(login.body.accessToken);

      fullKey = (await createKey(SCOPES)).key;
      for (const scope of SCOPES) {
        keysLacking[scope] = (await createKey(SCOPES.filter((s) => s !== scope))).key;
      }
      spareKeyId = (await createKey(['properties:read'])).id;

      const listing = {
        description: 'An authorization matrix fixture',
        country: 'NL',
        nightlyPrice: 10_000,
        currency: 'EUR',
        maxGuests: 2,
        published: true,
      };
      const created = await api().post<Json>(
        '/v1/properties',
        { ...listing, title: 'Matrix X', city: `Matrix X ${unique}` },
        tokens.hostX,
      );
      expect(created.status).toBe(201);
      propertyX = String(created.body.id);
      const other = await api().post<Json>(
        '/v1/properties',
        { ...listing, title: 'Matrix Y', city: `Matrix Y ${unique}` },
        tokens.hostY,
      );
      expect(other.status).toBe(201);
      propertyY = String(other.body.id);

      imageId = await upload();
      const ready = await eventually(
        () =>
          api().get<{ images: { id: string; status: string; variants: { url: string }[] }[] }>(
            `/v1/properties/${propertyX}`,
          ),
        (r) => r.body.images?.some((i) => i.id === imageId && i.status === 'ready'),
        'the matrix image to be processed',
      );
      const variantUrl = ready.body.images.find((i) => i.id === imageId)?.variants[0]?.url ?? '';
      imagePath = variantUrl.slice(variantUrl.indexOf('/v1/images/') + '/v1/images/'.length);
      blockId = await block();
      feedId = await feed();

      bookingA = await book(tokens.guestA);
      bookingB = await book(tokens.guestB);
      applicationA = await apply(tokens.guestA);
      applicationB = await apply(tokens.guestB);

      // A confirmed Stripe payment of guest A's, for the admin's goodwill refund.
      const paid = await book(tokens.guestA);
      const payment = await api().post<Json>(
        `/v1/bookings/${paid}/payments`,
        { provider: 'stripe' },
        tokens.guestA,
      );
      expect(payment.status).toBe(201);
      paymentId = String(payment.body.id);
      paymentIntent = String(payment.body.providerPaymentId);
      await context.stripe().succeed(paymentIntent);
      await eventually(
        () => api().get<Json>(`/v1/bookings/${paid}`, tokens.guestA),
        (r) => r.body.status === 'confirmed',
        'the matrix payment to confirm its booking',
      );
    }, 180_000);

    const month = isoDay(0).slice(0, 7);
    const ownUser = (caller: 'guestA' | 'guestB' | 'hostX' | 'hostY' | 'admin') => ({
      own: [userIds[caller]],
      strangers: Object.entries(userIds)
        .filter(([name]) => name !== caller)
        .map(([, id]) => id),
    });

    // Admin routes: admins only; API keys can never call them.
    rows['GET /v1/admin/analytics'] = {
      expected: adminOnly(200),
      call: () => ({ query: `from=${month}&to=${month}` }),
    };
    rows['GET /v1/admin/audit'] = { expected: adminOnly(200), call: () => ({}) };
    rows['GET /v1/admin/deliveries'] = { expected: adminOnly(200), call: () => ({}) };
    rows['GET /v1/admin/users'] = { expected: adminOnly(200), call: () => ({}) };
    rows['PATCH /v1/admin/users/{id}'] = {
      expected: adminOnly(200),
      // A refused caller tries to make guest B an admin; the admin changes a user of their own.
      call: async (allowed) => ({
        params: { id: allowed ? (await register('promoted', 'guest')).id : userIds.guestB },
        json: { role: allowed ? 'host' : 'admin' },
      }),
      state: async () => (await api().get<Json>('/v1/me', tokens.guestB)).body.role,
    };
    rows['POST /v1/admin/payments/{id}/refunds'] = {
      expected: adminOnly(201),
      call: () => ({ params: { id: paymentId }, json: { amount: 100, reason: 'matrix goodwill' } }),
      state: async () =>
        context
          .stripe()
          .refunds()
          .filter((r) => r.payment_intent === paymentIntent).length,
    };

    // API keys: the caller's own; keys cannot manage keys.
    rows['GET /v1/api-keys'] = {
      expected: signedIn({ guestA: 200, guestB: 200, hostX: 200, hostY: 200, admin: 200 }),
      call: () => ({}),
      lists: () => ({
        hostX: { own: [spareKeyId] },
        hostY: { strangers: [spareKeyId] },
        guestA: { strangers: [spareKeyId] },
        admin: { strangers: [spareKeyId] },
      }),
    };
    rows['POST /v1/api-keys'] = {
      expected: signedIn({ guestA: 201, guestB: 201, hostX: 201, hostY: 201, admin: 201 }),
      call: () => ({ json: { name: 'matrix cell', scopes: ['properties:read'] } }),
    };
    rows['DELETE /v1/api-keys/{id}'] = {
      expected: signedIn({ guestA: 404, guestB: 404, hostX: 204, hostY: 404, admin: 404 }),
      call: async (allowed) => ({
        params: { id: allowed ? (await createKey(['bookings:read'])).id : spareKeyId },
      }),
      state: async () =>
        JSON.stringify((await api().get<Json>('/v1/api-keys', tokens.hostX)).body).includes(spareKeyId),
    };

    // Applications: the applicant and the property's host; nobody else, admins included (personal data).
    rows['GET /v1/applications'] = {
      expected: signedIn({ guestA: 200, guestB: 200, hostX: 403, hostY: 403, admin: 200 }),
      call: () => ({}),
      lists: () => ({
        guestA: { own: [applicationA], strangers: [applicationB] },
        guestB: { own: [applicationB], strangers: [applicationA] },
        admin: { strangers: [applicationA, applicationB] },
      }),
    };
    rows['POST /v1/applications'] = {
      expected: signedIn({ guestA: 202, guestB: 202, hostX: 403, hostY: 403, admin: 202 }),
      call: () => ({
        json: {
          propertyId: propertyX,
          consent: true,
          applicant: { fullName: 'Cell', dateOfBirth: '1990-01-01' },
        },
      }),
    };
    rows['GET /v1/applications/{id}'] = {
      expected: signedIn({ guestA: 200, guestB: 404, hostX: 200, hostY: 404, admin: 404 }),
      call: () => ({ params: { id: applicationA } }),
    };
    rows['GET /v1/host/applications'] = {
      expected: signedIn({ guestA: 403, guestB: 403, hostX: 200, hostY: 200, admin: 200 }),
      call: () => ({}),
      lists: () => ({
        hostX: { own: [applicationA, applicationB] },
        hostY: { strangers: [applicationA, applicationB] },
        admin: { strangers: [applicationA, applicationB] },
      }),
    };
    rows['POST /v1/host/applications/{id}/decision'] = {
      // The decision is the property's host's own: an admin finds no application to decide.
      expected: signedIn({ guestA: 403, guestB: 403, hostX: 200, hostY: 404, admin: 404 }),
      call: async (allowed) => ({
        params: { id: allowed ? await apply((await register('applicant', 'guest')).token) : applicationA },
        json: { decision: 'approved', reason: 'matrix' },
      }),
      state: async () =>
        (await api().get<Json>(`/v1/applications/${applicationA}`, tokens.guestA)).body.status,
    };

    // Bookings: the guest, the property's host and admins; a key reads with bookings:read.
    rows['GET /v1/bookings'] = {
      // Host X's key lists as host X, who has no guest bookings: 403 like host X.
      scope: 'bookings:read',
      expected: signedIn({ guestA: 200, guestB: 200, hostX: 403, hostY: 403, admin: 200 }),
      call: () => ({ query: 'limit=100' }),
      lists: () => ({
        guestA: { own: [bookingA], strangers: [bookingB] },
        guestB: { own: [bookingB], strangers: [bookingA] },
        admin: { strangers: [bookingA, bookingB] },
      }),
    };
    rows['POST /v1/bookings'] = {
      expected: signedIn({ guestA: 201, guestB: 201, hostX: 403, hostY: 403, admin: 201 }),
      call: () => ({ json: { propertyId: propertyX, ...nextStay(), guests: 1 } }),
    };
    rows['GET /v1/bookings/{id}'] = {
      scope: 'bookings:read',
      expected: signedIn({ guestA: 200, guestB: 404, hostX: 200, hostY: 404, admin: 200, keyScoped: 200 }),
      call: () => ({ params: { id: bookingA } }),
    };
    rows['GET /v1/bookings/{id}/cancellation-quote'] = {
      expected: signedIn({ guestA: 200, guestB: 404, hostX: 200, hostY: 404, admin: 200 }),
      call: () => ({ params: { id: bookingA } }),
    };
    rows['POST /v1/bookings/{id}/cancel'] = {
      expected: signedIn({ guestA: 200, guestB: 404, hostX: 200, hostY: 404, admin: 200 }),
      call: async (allowed) => ({ params: { id: allowed ? await book(tokens.guestA) : bookingA }, json: {} }),
      state: bookingState,
    };
    rows['POST /v1/bookings/{id}/payments'] = {
      // Only the booking's guest pays; an admin passes the role check and finds no booking of theirs.
      expected: signedIn({ guestA: 201, guestB: 404, hostX: 403, hostY: 403, admin: 404 }),
      call: async (allowed) => ({
        params: { id: allowed ? await book(tokens.guestA) : bookingA },
        json: { provider: 'stripe' },
      }),
      state: async () => context.stripe().paymentIntents().length,
    };
    rows['GET /v1/host/bookings'] = {
      scope: 'bookings:read',
      expected: signedIn({ guestA: 403, guestB: 403, hostX: 200, hostY: 200, admin: 200, keyScoped: 200 }),
      call: () => ({ query: 'limit=100' }),
      lists: () => ({
        hostX: { own: [bookingA, bookingB] },
        keyScoped: { own: [bookingA, bookingB] },
        hostY: { strangers: [bookingA, bookingB] },
        admin: { strangers: [bookingA, bookingB] },
      }),
    };

    // Hosts' own views.
    rows['GET /v1/host/analytics'] = {
      expected: signedIn({ guestA: 403, guestB: 403, hostX: 200, hostY: 200, admin: 200 }),
      call: () => ({ query: `from=${month}&to=${month}` }),
      lists: () => ({ hostY: { strangers: [propertyX] }, admin: { strangers: [propertyX] } }),
    };
    rows['GET /v1/host/properties'] = {
      scope: 'properties:read',
      expected: signedIn({ guestA: 403, guestB: 403, hostX: 200, hostY: 200, admin: 200, keyScoped: 200 }),
      call: () => ({ query: 'limit=100' }),
      lists: () => ({
        hostX: { own: [propertyX], strangers: [propertyY] },
        keyScoped: { own: [propertyX], strangers: [propertyY] },
        hostY: { own: [propertyY], strangers: [propertyX] },
      }),
    };

    // The images the worker made are public, like the listing; no API key route is open for them.
    rows['GET /v1/images/{path}'] = {
      expected: all(200, { keyScoped: 403, keyUnscoped: 403 }),
      call: () => ({ params: { path: imagePath } }),
    };

    // The caller's own account.
    const everyUser = { guestA: 200, guestB: 200, hostX: 200, hostY: 200, admin: 200 };
    rows['GET /v1/me'] = {
      expected: signedIn(everyUser),
      call: () => ({}),
      lists: () => ({
        guestA: ownUser('guestA'),
        guestB: ownUser('guestB'),
        hostX: ownUser('hostX'),
        hostY: ownUser('hostY'),
        admin: ownUser('admin'),
      }),
    };
    rows['PATCH /v1/me'] = {
      expected: signedIn(everyUser),
      call: () => ({ json: { name: 'Matrix Caller' } }),
    };
    rows['GET /v1/me/notification-preferences'] = { expected: signedIn(everyUser), call: () => ({}) };
    rows['PUT /v1/me/notification-preferences'] = {
      expected: signedIn(everyUser),
      call: () => ({ json: { product_news: false } }),
    };
    rows['GET /v1/me/notifications'] = { expected: signedIn(everyUser), call: () => ({}) };
    rows['POST /v1/me/password'] = {
      // Each caller changes their own password once; the matrix signs nobody in afterwards.
      expected: signedIn({ guestA: 204, guestB: 204, hostX: 204, hostY: 204, admin: 204 }),
      call: () => ({ json: { currentPassword: password, newPassword: `${password} changed` } }),
    };

    // Listings: public reads (a key needs properties:read), writes by the host or an admin.
    const publicRead = all(200, { keyUnscoped: 403 });
    rows['GET /v1/properties'] = {
      scope: 'properties:read',
      expected: publicRead,
      call: () => ({ query: `city=${encodeURIComponent(`Matrix X ${unique}`)}` }),
      lists: () => ({ anonymous: { own: [propertyX], strangers: [propertyY] } }),
    };
    rows['POST /v1/properties'] = {
      scope: 'properties:write',
      expected: { ...hostXOrAdmin(201), hostY: 201 },
      call: () => ({
        json: {
          title: 'Matrix cell',
          description: 'A listing a cell made',
          city: `Matrix cells ${unique}`,
          country: 'NL',
          nightlyPrice: 5000,
          currency: 'EUR',
          maxGuests: 1,
        },
      }),
    };
    rows['GET /v1/properties/{id}'] = {
      scope: 'properties:read',
      expected: publicRead,
      call: () => ({ params: { id: propertyX } }),
    };
    rows['PATCH /v1/properties/{id}'] = {
      scope: 'properties:write',
      expected: hostXOrAdmin(200),
      call: (allowed) => ({
        params: { id: propertyX },
        json: { title: allowed ? 'Matrix X edited' : 'Hijacked' },
      }),
      state: propertyState,
    };
    rows['GET /v1/properties/{id}/availability'] = {
      scope: 'properties:read',
      expected: publicRead,
      call: () => ({ params: { id: propertyX }, query: `from=${isoDay(20)}&to=${isoDay(30)}` }),
    };
    rows['GET /v1/properties/{id}/quote'] = {
      scope: 'properties:read',
      expected: publicRead,
      call: () => ({
        params: { id: propertyX },
        query: `checkIn=${isoDay(400)}&checkOut=${isoDay(402)}&guests=1`,
      }),
    };
    rows['GET /v1/properties/{id}/blocks'] = {
      scope: 'properties:read',
      expected: hostXOrAdmin(200),
      call: () => ({ params: { id: propertyX } }),
      lists: () => ({ hostX: { own: [blockId] } }),
    };
    rows['POST /v1/properties/{id}/blocks'] = {
      scope: 'calendar:write',
      expected: hostXOrAdmin(201),
      call: () => {
        const stay = nextStay();
        return { params: { id: propertyX }, json: { from: stay.checkIn, to: stay.checkOut } };
      },
      state: blocksState,
    };
    rows['DELETE /v1/properties/{id}/blocks/{blockId}'] = {
      scope: 'calendar:write',
      expected: hostXOrAdmin(204),
      call: async (allowed) => ({ params: { id: propertyX, blockId: allowed ? await block() : blockId } }),
      state: blocksState,
    };
    rows['GET /v1/properties/{id}/calendar-feeds'] = {
      scope: 'calendar:write',
      expected: hostXOrAdmin(200),
      call: () => ({ params: { id: propertyX } }),
      lists: () => ({ hostX: { own: [feedId] } }),
    };
    rows['POST /v1/properties/{id}/calendar-feeds'] = {
      scope: 'calendar:write',
      expected: hostXOrAdmin(201),
      call: () => ({ params: { id: propertyX }, json: { url: feedUrl() } }),
      state: feedsState,
    };
    rows['DELETE /v1/properties/{id}/calendar-feeds/{feedId}'] = {
      scope: 'calendar:write',
      expected: hostXOrAdmin(204),
      call: async (allowed) => ({ params: { id: propertyX, feedId: allowed ? await feed() : feedId } }),
      state: feedsState,
    };
    let exportToken = '';
    rows['POST /v1/properties/{id}/calendar-token'] = {
      scope: 'properties:write',
      expected: hostXOrAdmin(201),
      call: async (allowed) => {
        if (!allowed && !exportToken) {
          const rotated = await api().post<Json>(
            `/v1/properties/${propertyX}/calendar-token`,
            {},
            tokens.hostX,
          );
          exportToken = String(rotated.body.token);
        }
        return { params: { id: propertyX } };
      },
      // A refused rotation leaves the export's secret working.
      state: async () =>
        exportToken &&
        (await api().get(`/v1/properties/${propertyX}/calendar.ics?token=${encodeURIComponent(exportToken)}`))
          .status,
    };
    rows['GET /v1/properties/{id}/calendar.ics'] = {
      // Whoever holds the secret reads the export; the secret, not the caller, is the credential.
      scope: 'properties:read',
      expected: publicRead,
      call: async () => {
        const rotated = await api().post<Json>(
          `/v1/properties/${propertyX}/calendar-token`,
          {},
          tokens.hostX,
        );
        return {
          params: { id: propertyX },
          query: `token=${encodeURIComponent(String(rotated.body.token))}`,
        };
      },
    };
    rows['POST /v1/properties/{id}/images'] = {
      scope: 'properties:write',
      expected: hostXOrAdmin(202),
      call: () => ({ params: { id: propertyX }, form: photoForm }),
      state: propertyState,
    };
    rows['DELETE /v1/properties/{id}/images/{imageId}'] = {
      scope: 'properties:write',
      expected: hostXOrAdmin(204),
      call: async (allowed) => ({ params: { id: propertyX, imageId: allowed ? await upload() : imageId } }),
      state: propertyState,
    };

    it('has a row for every route of the spec that is not excluded on purpose, and no other', async () => {
      const spec = JSON.parse(await readFile(join(context.root, 'libs/sdk/src/openapi.json'), 'utf8')) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const routes = Object.entries(spec.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(routes.filter((route) => !(route in rows) && !(route in EXCLUDED))).toEqual([]);
      expect(
        [...Object.keys(rows), ...Object.keys(EXCLUDED)].filter((route) => !routes.includes(route)),
      ).toEqual([]);
      // Every route with a path parameter acts on an object: none may be excluded.
      expect(Object.keys(EXCLUDED).filter((route) => route.includes('{'))).toEqual([]);
    });

    it('answers every caller on every route as the matrix says, and refused calls change nothing', async () => {
      const mismatches: Mismatch[] = [];
      const credentialsOf = (caller: Caller, scope: Scope | undefined) => {
        if (caller === 'keyScoped') {
          return { headers: { 'x-api-key': fullKey } };
        }
        if (caller === 'keyUnscoped') {
          return { headers: { 'x-api-key': keysLacking[scope ?? 'bookings:read'] } };
        }
        return caller === 'anonymous' ? {} : { token: tokens[caller] };
      };
      for (const [route, row] of Object.entries(rows)) {
        const [method = 'GET', template = ''] = route.split(' ');
        const isAllowed = (caller: Caller) => row.expected[caller] >= 200 && row.expected[caller] < 300;
        // Refused cells first: an allowed one may change what a later refused one would find.
        const ordered = [...CALLERS].sort((a, b) => Number(isAllowed(a)) - Number(isAllowed(b)));
        for (const caller of ordered) {
          const allowed = isAllowed(caller);
          const call = await row.call(allowed);
          const path = template.replace(
            /\{(\w+)\}/g,
            (_, name: string) => call.params?.[name] ?? `{${name}}`,
          );
          const before = !allowed && row.state ? JSON.stringify(await row.state()) : undefined;
          const response: ApiResponse<unknown> = await api().request<unknown>(
            method,
            withQuery(path, call.query),
            {
              ...credentialsOf(caller, row.scope),
              json: call.json,
              body: call.form?.(),
            },
          );
          if (response.status !== row.expected[caller]) {
            mismatches.push({ route, caller, expected: row.expected[caller], got: response.status });
            continue;
          }
          if (before !== undefined && row.state) {
            const after = JSON.stringify(await row.state());
            if (after !== before) {
              mismatches.push({ route, caller, expected: `no change: ${before}`, got: `changed: ${after}` });
            }
          }
          const listing = row.lists?.()[caller];
          const answer = JSON.stringify(response.body);
          for (const id of listing?.own ?? []) {
            if (!answer.includes(id)) {
              mismatches.push({ route, caller, expected: `lists its own ${id}`, got: 'left out' });
            }
          }
          for (const id of listing?.strangers ?? []) {
            if (answer.includes(id)) {
              mismatches.push({ route, caller, expected: `not a stranger's ${id}`, got: 'listed it' });
            }
          }
        }
      }
      expect(mismatches).toEqual([]);
    }, 300_000);
  });
}
