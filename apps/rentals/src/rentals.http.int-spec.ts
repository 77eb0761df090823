import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { internalBookingPath, internalBookingSchema, jobId } from '@rentguy/contracts';
import { TransactionRunner } from '@rentguy/platform/database';
import { OutboxWriter } from '@rentguy/platform/messaging';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthModule, lifecycleConfig } from '@rentguy/platform/health';
import { MetricsModule } from '@rentguy/platform/metrics';
import { OnJob, QueueInspector, QueueModule, queueConfig, type JobOutcome } from '@rentguy/platform/queue';
import { queueTesting } from '@rentguy/testing/queue';
import { testConfigModule } from '@rentguy/testing/platform';
import { BLOB_STORAGE, type BlobStorage } from '@rentguy/platform/storage';
import { ApplicationRepository, ImageRepository } from '@rentguy/rentals/data-access';
import sharp from 'sharp';
import {
  daysFromToday,
  outboxEvents,
  startRentalsTestApp,
  testUser,
  type RentalsTestApp,
  type TestUser,
} from '@rentguy/testing/rentals';
import { createApp } from './bootstrap';
import { appConfig, type AppConfig } from './config';

interface Reply {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  rawPayload: Buffer;
  json<T = Record<string, unknown>>(): T;
}

function multipart(field: string, filename: string, contentType: string, data: Buffer) {
  const boundary = `----rentguy${randomUUID()}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
    ),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('rentals HTTP API', () => {
  let t: RentalsTestApp<AppConfig>;
  const host = testUser('host', 'Harriet Host');
  const otherHost = testUser('host');
  const guest = testUser('guest', 'Gus Guest');
  const otherGuest = testUser('guest');
  let png: Buffer;

  beforeAll(async () => {
    t = await startRentalsTestApp({ config: appConfig, create: createApp });
    png = await sharp({ create: { width: 8, height: 6, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
  });

  afterAll(async () => {
    await t?.close();
  });

  async function call(
    method: 'GET' | 'POST',
    url: string,
    options: { as?: TestUser; json?: unknown; payload?: Buffer; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.as) {
      headers['authorization'] = `Bearer ${await t.tokenFor(options.as)}`;
    }
    const reply = await t.http.inject({
      method,
      url,
      headers,
      ...(options.json !== undefined ? { payload: options.json as object } : {}),
      ...(options.payload ? { payload: options.payload } : {}),
    });
    return reply as unknown as Reply;
  }

  const listing = {
    title: 'Canal house',
    description: 'Three floors on the Herengracht',
    city: 'Amsterdam',
    country: 'NL',
    nightlyPrice: 15_000,
    currency: 'EUR',
    maxGuests: 4,
  };

  async function createProperty(owner: TestUser = host): Promise<string> {
    const reply = await call('POST', '/v1/properties', { as: owner, json: listing });
    expect(reply.statusCode).toBe(201);
    return reply.json<{ id: string }>().id;
  }

  describe('properties', () => {
    it('lets a host create a listing and anyone read it', async () => {
      const created = await call('POST', '/v1/properties', { as: host, json: listing });

      expect(created.statusCode).toBe(201);
      const property = created.json<{ id: string }>();
      expect(property).toMatchObject({ ...listing, hostId: host.id, cleaningFee: 0, images: [] });
      const read = await call('GET', `/v1/properties/${property.id}`);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual(property);
    });

    it('refuses guests, anonymous callers, unknown fields and made-up countries', async () => {
      expect((await call('POST', '/v1/properties', { as: guest, json: listing })).statusCode).toBe(403);
      expect((await call('POST', '/v1/properties', { json: listing })).statusCode).toBe(401);
      const extra = await call('POST', '/v1/properties', { as: host, json: { ...listing, rating: 5 } });
      expect(extra.statusCode).toBe(400);
      expect(extra.json()).toMatchObject({ error: { code: 'validation_failed' } });
      expect(
        (await call('POST', '/v1/properties', { as: host, json: { ...listing, country: 'XX' } })).statusCode,
      ).toBe(400);
      expect(
        (await call('POST', '/v1/properties', { as: host, json: { ...listing, currency: 'EURO' } }))
          .statusCode,
      ).toBe(400);
    });

    it('answers 404 for an unknown id and 400 for one that is not a UUID', async () => {
      expect((await call('GET', `/v1/properties/${randomUUID()}`)).statusCode).toBe(404);
      const malformed = await call('GET', '/v1/properties/not-a-uuid');
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json()).toMatchObject({ error: { code: 'validation_failed' } });
    });
  });

  describe('bookings', () => {
    it('holds a stay for a guest with a server-computed price', async () => {
      const propertyId = await createProperty();
      const stay = { propertyId, checkIn: daysFromToday(3), checkOut: daysFromToday(5), guests: 2 };

      const reply = await call('POST', '/v1/bookings', { as: guest, json: stay });

      expect(reply.statusCode).toBe(201);
      const booking = reply.json<{ expiresAt: string }>();
      expect(booking).toMatchObject({
        ...stay,
        status: 'held',
        totalAmount: 30_000,
        currency: 'EUR',
        priceBreakdown: {
          nights: 2,
          nightlyPrice: 15_000,
          accommodation: 30_000,
          cleaningFee: 0,
          total: 30_000,
        },
      });
      const holdMs = Date.parse(booking.expiresAt) - Date.now();
      expect(holdMs).toBeGreaterThan(14 * 60_000);
      expect(holdMs).toBeLessThanOrEqual(15 * 60_000);
      // The answer is built from what was inserted, not read back: it must be what a read finds.
      const read = await call('GET', `/v1/bookings/${reply.json<{ id: string }>().id}`, { as: guest });
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual(reply.json());
    });

    it('rejects a price sent by the client as an unknown field', async () => {
      const propertyId = await createProperty();
      const reply = await call('POST', '/v1/bookings', {
        as: guest,
        json: {
          propertyId,
          checkIn: daysFromToday(3),
          checkOut: daysFromToday(4),
          guests: 1,
          totalAmount: 1,
        },
      });

      expect(reply.statusCode).toBe(400);
      expect(JSON.stringify(reply.json())).toContain('totalAmount');
      const rows = (await t.dataSource.query(`SELECT 1 FROM rentals.bookings WHERE property_id = $1`, [
        propertyId,
      ])) as unknown[];
      expect(rows).toHaveLength(0);
    });

    it('refuses a status sent by the client: no booking is made, confirmed or held', async () => {
      const propertyId = await createProperty();
      const reply = await call('POST', '/v1/bookings', {
        as: guest,
        json: {
          propertyId,
          checkIn: daysFromToday(3),
          checkOut: daysFromToday(4),
          guests: 1,
          status: 'confirmed',
        },
      });

      expect(reply.statusCode).toBe(400);
      expect(reply.json()).toMatchObject({
        error: { code: 'validation_failed', details: { fields: [{ path: '(body)' }] } },
      });
      expect(JSON.stringify(reply.json())).toContain('status');
      const rows = (await t.dataSource.query(`SELECT 1 FROM rentals.bookings WHERE property_id = $1`, [
        propertyId,
      ])) as unknown[];
      expect(rows).toHaveLength(0);
    });

    it('answers 409 booking_overlap with the dates in the way', async () => {
      const propertyId = await createProperty();
      await call('POST', '/v1/bookings', {
        as: guest,
        json: { propertyId, checkIn: daysFromToday(10), checkOut: daysFromToday(14), guests: 1 },
      });

      const reply = await call('POST', '/v1/bookings', {
        as: otherGuest,
        json: { propertyId, checkIn: daysFromToday(12), checkOut: daysFromToday(16), guests: 1 },
      });

      expect(reply.statusCode).toBe(409);
      expect(reply.json()).toMatchObject({
        error: {
          code: 'booking_overlap',
          details: { checkIn: daysFromToday(10), checkOut: daysFromToday(14) },
        },
      });
    });

    it('refuses stays in the past, too many guests, and hosts as bookers', async () => {
      const propertyId = await createProperty();
      const past = await call('POST', '/v1/bookings', {
        as: guest,
        json: { propertyId, checkIn: daysFromToday(-1), checkOut: daysFromToday(2), guests: 1 },
      });
      expect(past.statusCode).toBe(400);
      const crowd = await call('POST', '/v1/bookings', {
        as: guest,
        json: { propertyId, checkIn: daysFromToday(1), checkOut: daysFromToday(2), guests: 5 },
      });
      expect(crowd.statusCode).toBe(400);
      const byHost = await call('POST', '/v1/bookings', {
        as: host,
        json: { propertyId, checkIn: daysFromToday(1), checkOut: daysFromToday(2), guests: 1 },
      });
      expect(byHost.statusCode).toBe(403);
      const nowhere = await call('POST', '/v1/bookings', {
        as: guest,
        json: { propertyId: randomUUID(), checkIn: daysFromToday(1), checkOut: daysFromToday(2), guests: 1 },
      });
      expect(nowhere.statusCode).toBe(404);
    });

    it('shows a booking to its guest and its host, and to nobody else', async () => {
      const propertyId = await createProperty();
      const created = await call('POST', '/v1/bookings', {
        as: guest,
        json: { propertyId, checkIn: daysFromToday(20), checkOut: daysFromToday(21), guests: 1 },
      });
      const { id } = created.json<{ id: string }>();

      expect((await call('GET', `/v1/bookings/${id}`, { as: guest })).json()).toEqual(created.json());
      expect((await call('GET', `/v1/bookings/${id}`, { as: host })).statusCode).toBe(200);
      for (const stranger of [otherGuest, otherHost]) {
        const reply = await call('GET', `/v1/bookings/${id}`, { as: stranger });
        expect(reply.statusCode).toBe(404);
        expect(reply.json()).toMatchObject({ error: { code: 'not_found' } });
      }
      expect((await call('GET', `/v1/bookings/${id}`)).statusCode).toBe(401);
      expect((await call('GET', `/v1/bookings/${randomUUID()}`, { as: guest })).statusCode).toBe(404);
    });

    it("serves payments' read-through the contract's shape, for the booking's guest only", async () => {
      const propertyId = await createProperty();
      const created = await call('POST', '/v1/bookings', {
        as: guest,
        json: { propertyId, checkIn: daysFromToday(24), checkOut: daysFromToday(26), guests: 1 },
      });
      const booking = created.json<{ id: string; totalAmount: number; expiresAt: string }>();

      const read = await call('GET', internalBookingPath(booking.id), { as: guest });

      expect(read.statusCode).toBe(200);
      expect(internalBookingSchema.strict().parse(read.json())).toEqual({
        bookingId: booking.id,
        guestId: guest.id,
        status: 'held',
        totalAmount: booking.totalAmount,
        currency: 'EUR',
        expiresAt: booking.expiresAt,
      });
      // Not even the host (a guest-only route): the caller pays on the guest's behalf, with their token.
      const stranger = await call('GET', internalBookingPath(booking.id), { as: otherGuest });
      expect(stranger.statusCode).toBe(404);
      expect(stranger.json()).toMatchObject({ error: { code: 'not_found' } });
      expect((await call('GET', internalBookingPath(booking.id), { as: host })).statusCode).toBe(403);
      expect((await call('GET', internalBookingPath(booking.id))).statusCode).toBe(401);
      expect((await call('GET', internalBookingPath('not-a-uuid'), { as: guest })).statusCode).toBe(400);
    });
  });

  describe('images', () => {
    it('stores an upload, queues its processing and lists it as processing', async () => {
      const propertyId = await createProperty();

      const reply = await call('POST', `/v1/properties/${propertyId}/images`, {
        as: host,
        ...multipart('file', 'photo.png', 'image/png', png),
      });

      expect(reply.statusCode).toBe(202);
      const image = reply.json<{ id: string; status: string }>();
      expect(image).toEqual({ id: expect.any(String), status: 'processing' });
      const originalKey = `properties/${propertyId}/images/${image.id}/original`;
      const stored = await readFile(join(t.config.BLOB_STORAGE_DIR, originalKey));
      expect(stored.equals(png)).toBe(true);
      const job = await t.app.get(QueueInspector).getJob('images', jobId(image.id, 'image.process'));
      expect(job).toMatchObject({
        name: 'image.process',
        data: { imageId: image.id, propertyId, originalKey },
      });
      const property = await call('GET', `/v1/properties/${propertyId}`);
      expect(property.json()).toMatchObject({
        images: [{ id: image.id, status: 'processing', variants: [] }],
      });
    });

    it('sniffs the content: a text file named .png is refused with 415', async () => {
      const propertyId = await createProperty();

      const reply = await call('POST', `/v1/properties/${propertyId}/images`, {
        as: host,
        ...multipart('file', 'photo.png', 'image/png', Buffer.from('definitely not an image, just text')),
      });

      expect(reply.statusCode).toBe(415);
      expect(reply.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
      const rows = (await t.dataSource.query(`SELECT 1 FROM rentals.images WHERE property_id = $1`, [
        propertyId,
      ])) as unknown[];
      expect(rows).toHaveLength(0);
    });

    it('refuses an upload over the size limit with 413 and keeps nothing', async () => {
      const propertyId = await createProperty();
      const huge = Buffer.concat([png.subarray(0, 16), Buffer.alloc(t.config.UPLOAD_LIMIT_BYTES + 1024, 1)]);

      const reply = await call('POST', `/v1/properties/${propertyId}/images`, {
        as: host,
        ...multipart('file', 'huge.png', 'image/png', huge),
      });

      expect(reply.statusCode).toBe(413);
      const rows = (await t.dataSource.query(`SELECT 1 FROM rentals.images WHERE property_id = $1`, [
        propertyId,
      ])) as unknown[];
      expect(rows).toHaveLength(0);
      const left = await readdir(join(t.config.BLOB_STORAGE_DIR, 'properties', propertyId), {
        recursive: true,
        withFileTypes: true,
      }).catch(() => []);
      expect(left.filter((entry) => entry.isFile())).toEqual([]);
    });

    it('lets only the property host or an admin upload', async () => {
      const propertyId = await createProperty();
      const upload = () => multipart('file', 'photo.png', 'image/png', png);

      // As for edits and image deletes: an admin may add an image to any listing.
      expect(
        (await call('POST', `/v1/properties/${propertyId}/images`, { as: testUser('admin'), ...upload() }))
          .statusCode,
      ).toBe(202);

      expect(
        (await call('POST', `/v1/properties/${propertyId}/images`, { as: otherHost, ...upload() }))
          .statusCode,
      ).toBe(403);
      expect(
        (await call('POST', `/v1/properties/${propertyId}/images`, { as: guest, ...upload() })).statusCode,
      ).toBe(403);
      expect(
        (await call('POST', `/v1/properties/${randomUUID()}/images`, { as: host, ...upload() })).statusCode,
      ).toBe(404);
      const wrongField = await call('POST', `/v1/properties/${propertyId}/images`, {
        as: host,
        ...multipart('picture', 'photo.png', 'image/png', png),
      });
      expect(wrongField.statusCode).toBe(400);
      const notMultipart = await call('POST', `/v1/properties/${propertyId}/images`, {
        as: host,
        json: { file: 'x' },
      });
      expect(notMultipart.statusCode).toBe(415);
    });

    it('serves ready variants publicly with immutable caching, and never originals', async () => {
      const propertyId = await createProperty();
      const upload = await call('POST', `/v1/properties/${propertyId}/images`, {
        as: host,
        ...multipart('file', 'photo.png', 'image/png', png),
      });
      const imageId = upload.json<{ id: string }>().id;
      // What the image worker does once it has rendered a variant.
      const variantKey = `properties/${propertyId}/images/${imageId}/w320.webp`;
      const webp = await sharp(png).webp().toBuffer();
      await t.app.get<BlobStorage>(BLOB_STORAGE).put(variantKey, webp, 'image/webp');
      await t.app.get(ImageRepository).markReady(imageId, [{ width: 320, format: 'webp', key: variantKey }]);

      const property = await call('GET', `/v1/properties/${propertyId}`);
      const variantUrl = `http://gateway.test/v1/images/${variantKey}`;
      expect(property.json()).toMatchObject({
        images: [
          { id: imageId, status: 'ready', variants: [{ width: 320, format: 'webp', url: variantUrl }] },
        ],
      });
      const served = await call('GET', `/v1/images/${variantKey}`);
      expect(served.statusCode).toBe(200);
      expect(served.headers['content-type']).toBe('image/webp');
      expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(served.rawPayload.equals(webp)).toBe(true);

      for (const path of [
        `properties/${propertyId}/images/${imageId}/original`,
        `properties/${propertyId}/images/${imageId}/w9999.webp`,
        `properties/${propertyId}/images/${imageId}/../../../../etc/passwd`,
        'elsewhere/secret.webp',
      ]) {
        const missing = await call('GET', `/v1/images/${path}`);
        expect(missing.statusCode).toBe(404);
        expect(String(missing.headers['cache-control'] ?? '')).not.toContain('immutable');
      }
    });
  });

  describe('applications', () => {
    const applicant = { fullName: 'Gus Guest', dateOfBirth: '1990-04-01' };

    it('requires consent', async () => {
      const propertyId = await createProperty();
      for (const body of [
        { propertyId, applicant },
        { propertyId, consent: false, applicant },
      ]) {
        const reply = await call('POST', '/v1/applications', { as: guest, json: body });
        expect(reply.statusCode).toBe(400);
      }
    });

    it('queues screening and shows the application to the applicant and host without personal data', async () => {
      const propertyId = await createProperty();

      const reply = await call('POST', '/v1/applications', {
        as: guest,
        json: { propertyId, consent: true, applicant },
      });

      expect(reply.statusCode).toBe(202);
      const { id } = reply.json<{ id: string }>();
      expect(reply.json()).toEqual({ id, status: 'screening' });
      const job = await t.app.get(QueueInspector).getJob('screening', jobId(id, 'application.screen'));
      expect(job).toMatchObject({ name: 'application.screen', data: { applicationId: id } });
      const seen = await call('GET', `/v1/applications/${id}`, { as: guest });
      expect(seen.json()).toEqual({ id, propertyId, status: 'screening', createdAt: expect.any(String) });
      expect((await call('GET', `/v1/applications/${id}`, { as: host })).statusCode).toBe(200);
      expect((await call('GET', `/v1/applications/${id}`, { as: otherGuest })).statusCode).toBe(404);
      expect((await call('GET', `/v1/applications/${id}`, { as: otherHost })).statusCode).toBe(404);
      // Still screening: not on the host's list yet, and not decidable.
      const hostList = (
        await call('GET', `/v1/host/applications?propertyId=${propertyId}`, { as: host })
      ).json<{
        items: { id: string }[];
      }>();
      expect(hostList.items).toEqual([]);
      const early = await call('POST', `/v1/host/applications/${id}/decision`, {
        as: host,
        json: { decision: 'approved', reason: 'looks fine' },
      });
      expect(early.statusCode).toBe(409);
      expect(early.json()).toMatchObject({
        error: { code: 'conflict', details: { reason: 'still_screening' } },
      });
    });

    /** An application as the screening worker leaves it: outcome stored, date of birth purged, event written. */
    async function screenedApplication(propertyId: string, applicantUser: TestUser = guest): Promise<string> {
      const created = await call('POST', '/v1/applications', {
        as: applicantUser,
        json: { propertyId, consent: true, applicant },
      });
      const { id } = created.json<{ id: string }>();
      await t.app.get(TransactionRunner).run(async (tx) => {
        const screened = await t.app
          .get(ApplicationRepository)
          .recordScreening(
            id,
            { outcome: 'review', reasons: ['score_borderline'], reference: 'sbx_1' },
            new Date(),
            tx,
          );
        await t.app.get(OutboxWriter).add(tx, 'application.screened', id, {
          applicationId: id,
          propertyId: screened?.propertyId ?? '',
          guestId: screened?.guestId ?? '',
          outcome: 'review',
        });
      });
      return id;
    }

    const personalData = async (id: string) =>
      (
        (await t.dataSource.query(
          `SELECT applicant_full_name AS name, applicant_date_of_birth AS dob, purged_at AS "purgedAt",
                  decided_by AS "decidedBy", decision_reason AS reason, decided_at AS "decidedAt"
             FROM rentals.applications WHERE id = $1`,
          [id],
        )) as { name: string | null; dob: string | null; purgedAt: Date | null; decidedBy: string | null }[]
      )[0];

    it('lets the property host decide a screened application once, purges the personal data and emits application.decided', async () => {
      const propertyId = await createProperty();
      const id = await screenedApplication(propertyId);
      expect(await personalData(id)).toMatchObject({ name: 'Gus Guest', dob: null, purgedAt: null });

      const listed = await call('GET', `/v1/host/applications?propertyId=${propertyId}&status=screened`, {
        as: host,
      });
      expect(listed.statusCode).toBe(200);
      const screenedView = {
        id,
        propertyId,
        status: 'screened',
        screening: { outcome: 'review', reasons: ['score_borderline'], screenedAt: expect.any(String) },
        createdAt: expect.any(String),
      };
      expect(listed.json()).toEqual({ items: [screenedView], nextCursor: null });
      expect(listed.body).not.toContain('Gus Guest');
      expect(listed.body).not.toContain('sbx_1');
      // Another host sees nothing of it and cannot decide it; the property is not theirs either.
      expect(
        (await call('GET', '/v1/host/applications', { as: otherHost })).json<{ items: { id: string }[] }>()
          .items,
      ).not.toContainEqual(expect.objectContaining({ id }));
      expect(
        (await call('GET', `/v1/host/applications?propertyId=${propertyId}`, { as: otherHost })).statusCode,
      ).toBe(404);
      const stranger = await call('POST', `/v1/host/applications/${id}/decision`, {
        as: otherHost,
        json: { decision: 'declined', reason: 'not mine' },
      });
      expect(stranger.statusCode).toBe(404);
      expect(
        (
          await call('POST', `/v1/host/applications/${id}/decision`, {
            as: guest,
            json: { decision: 'approved', reason: 'me' },
          })
        ).statusCode,
      ).toBe(403);
      expect((await call('GET', '/v1/host/applications')).statusCode).toBe(401);
      const unknownField = await call('POST', `/v1/host/applications/${id}/decision`, {
        as: host,
        json: { decision: 'approved', reason: 'ok', score: 100 },
      });
      expect(unknownField.statusCode).toBe(400);
      expect(unknownField.json()).toMatchObject({ error: { code: 'validation_failed' } });
      const noReason = await call('POST', `/v1/host/applications/${id}/decision`, {
        as: host,
        json: { decision: 'approved', reason: '  ' },
      });
      expect(noReason.statusCode).toBe(400);
      expect(await personalData(id)).toMatchObject({ name: 'Gus Guest', purgedAt: null });

      const decided = await call('POST', `/v1/host/applications/${id}/decision`, {
        as: host,
        json: { decision: 'approved', reason: 'References checked' },
      });

      expect(decided.statusCode).toBe(200);
      const decidedView = {
        ...screenedView,
        status: 'approved',
        decision: { decision: 'approved', reason: 'References checked', decidedAt: expect.any(String) },
      };
      expect(decided.json()).toEqual(decidedView);
      expect(await personalData(id)).toMatchObject({
        name: null,
        dob: null,
        purgedAt: expect.any(Date),
        decidedBy: host.id,
        reason: 'References checked',
      });
      const events = await outboxEvents(t.dataSource, 'application.decided', id);
      expect(events).toHaveLength(1);
      expect(events[0]?.data).toEqual({
        applicationId: id,
        propertyId,
        propertyTitle: listing.title,
        hostId: host.id,
        guestId: guest.id,
        decision: 'approved',
        reason: 'References checked',
        decidedAt: decided.json<{ decision: { decidedAt: string } }>().decision.decidedAt,
      });
      // The applicant sees the outcome on their own list and on the application.
      expect((await call('GET', `/v1/applications/${id}`, { as: guest })).json()).toEqual(decidedView);
      const own = (await call('GET', '/v1/applications?status=approved', { as: guest })).json<{
        items: { id: string }[];
      }>();
      expect(own.items).toContainEqual(decidedView);
      expect(
        (await call('GET', '/v1/applications', { as: otherGuest })).json<{ items: { id: string }[] }>().items,
      ).not.toContainEqual(expect.objectContaining({ id }));

      // Only once, also when two decisions race.
      const again = await Promise.all(
        (['declined', 'approved'] as const).map((decision) =>
          call('POST', `/v1/host/applications/${id}/decision`, {
            as: host,
            json: { decision, reason: 'changed my mind' },
          }),
        ),
      );
      expect(again.map((r) => r.statusCode)).toEqual([409, 409]);
      expect(again[0]?.json()).toMatchObject({
        error: { details: { reason: 'already_decided', status: 'approved' } },
      });
      expect(await outboxEvents(t.dataSource, 'application.decided', id)).toHaveLength(1);
    });

    it('decides one of two racing decisions and refuses the other', async () => {
      const propertyId = await createProperty();
      const id = await screenedApplication(propertyId);

      const replies = await Promise.all(
        (['declined', 'approved'] as const).map((decision) =>
          call('POST', `/v1/host/applications/${id}/decision`, {
            as: host,
            json: { decision, reason: decision },
          }),
        ),
      );

      expect(replies.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      expect(await outboxEvents(t.dataSource, 'application.decided', id)).toHaveLength(1);
    });

    it('pages the host list and the applicant list newest first', async () => {
      const propertyId = await createProperty();
      const ids = [];
      for (let i = 0; i < 3; i += 1) {
        ids.push(await screenedApplication(propertyId));
      }
      const first = (
        await call('GET', `/v1/host/applications?propertyId=${propertyId}&limit=2`, { as: host })
      ).json<{
        items: { id: string }[];
        nextCursor: string;
      }>();
      const second = (
        await call(
          'GET',
          `/v1/host/applications?propertyId=${propertyId}&limit=2&cursor=${first.nextCursor}`,
          {
            as: host,
          },
        )
      ).json<{ items: { id: string }[]; nextCursor: string | null }>();
      expect([...first.items, ...second.items].map((a) => a.id)).toEqual([...ids].reverse());
      expect(second.nextCursor).toBeNull();
      expect(
        (await call('GET', `/v1/applications?cursor=${first.nextCursor}`, { as: guest })).statusCode,
      ).toBe(400);
      expect((await call('GET', '/v1/host/applications?status=screening', { as: host })).statusCode).toBe(
        400,
      );
    });

    it('expires undecided applications past the retention period and purges their personal data', async () => {
      const propertyId = await createProperty();
      const oldScreening = await screenedApplication(propertyId);
      const oldScreened = await screenedApplication(propertyId);
      const decided = await screenedApplication(propertyId);
      const recent = await screenedApplication(propertyId);
      await t.dataSource.query(
        `UPDATE rentals.applications SET status = 'screening', screened_at = NULL, outcome = NULL, applicant_date_of_birth = '1990-04-01' WHERE id = $1`,
        [oldScreening],
      );
      await call('POST', `/v1/host/applications/${decided}/decision`, {
        as: host,
        json: { decision: 'declined', reason: 'Another tenant was chosen' },
      });
      await t.dataSource.query(
        `UPDATE rentals.applications SET created_at = now() - interval '31 days' WHERE id = ANY($1::uuid[])`,
        [[oldScreening, oldScreened, decided]],
      );

      await queueTesting.runScheduledJobNow(t.app, 'rentals-application-retention');

      for (const id of [oldScreening, oldScreened]) {
        expect((await call('GET', `/v1/applications/${id}`, { as: guest })).json()).toMatchObject({
          status: 'expired',
        });
        expect(await personalData(id)).toMatchObject({ name: null, dob: null, purgedAt: expect.any(Date) });
      }
      expect((await call('GET', `/v1/applications/${decided}`, { as: guest })).json()).toMatchObject({
        status: 'declined',
        decision: { reason: 'Another tenant was chosen' },
      });
      expect((await call('GET', `/v1/applications/${recent}`, { as: guest })).json()).toMatchObject({
        status: 'screened',
      });
      expect(await personalData(recent)).toMatchObject({ name: 'Gus Guest', purgedAt: null });
      const late = await call('POST', `/v1/host/applications/${oldScreened}/decision`, {
        as: host,
        json: { decision: 'approved', reason: 'sorry for the wait' },
      });
      expect(late.statusCode).toBe(409);
      expect(late.json()).toMatchObject({ error: { details: { reason: 'expired' } } });
    });

    it('enqueues screening again for an application whose job was lost', async () => {
      const propertyId = await createProperty();
      const id = randomUUID();
      await t.dataSource.query(
        `INSERT INTO rentals.applications (id, property_id, guest_id, status, consent_at, applicant_full_name, applicant_date_of_birth, created_at)
         VALUES ($1, $2, $3, 'screening', now(), 'Lost Job', '1980-01-01', now() - interval '5 minutes')`,
        [id, propertyId, guest.id],
      );
      const inspector = t.app.get(QueueInspector);
      expect(await inspector.getJob('screening', jobId(id, 'application.screen'))).toBeUndefined();

      await queueTesting.runScheduledJobNow(t.app, 'rentals-pending-jobs');

      expect(await inspector.getJob('screening', jobId(id, 'application.screen'))).toMatchObject({
        data: { applicationId: id },
      });
    });

    it('retries the screening of an undecided application whose job failed for good', async () => {
      const propertyId = await createProperty();
      const id = randomUUID();
      await t.dataSource.query(
        `INSERT INTO rentals.applications (id, property_id, guest_id, status, consent_at, applicant_full_name, applicant_date_of_birth, created_at)
         VALUES ($1, $2, $3, 'screening', now(), 'Failed Job', '1980-01-01', now() - interval '5 minutes')`,
        [id, propertyId, guest.id],
      );
      const screeningJobId = jobId(id, 'application.screen');
      await queueTesting.addRawJob(
        t.app,
        'screening',
        'application.screen',
        { applicationId: id },
        {
          jobId: screeningJobId,
          attempts: 1,
        },
      );
      // A screening worker on the app's queues: its only attempt fails (as if the database was
      // down), later runs succeed.
      const runs: string[] = [];
      @Injectable()
      class FlakyScreening {
        @OnJob('screening', 'application.screen')
        async screen({ applicationId }: { applicationId: string }): Promise<JobOutcome> {
          if (applicationId !== id) {
            return { status: 'skipped', reason: 'not this test' };
          }
          runs.push(applicationId);
          if (runs.length === 1) {
            throw new Error('database unavailable');
          }
          return { status: 'done' };
        }
      }
      const worker = await startScreeningWorker(t, FlakyScreening);
      try {
        await queueTesting.waitForJobState(t.app, 'screening', screeningJobId, ['failed']);

        await queueTesting.runScheduledJobNow(t.app, 'rentals-pending-jobs');

        await queueTesting.waitForJobState(t.app, 'screening', screeningJobId, ['completed']);
        expect(runs).toEqual([id, id]);
      } finally {
        await worker.close();
      }
    });
  });
});

/** A worker process for the rentals app's `screening` queue, with `processor` as its handler. */
async function startScreeningWorker(
  t: RentalsTestApp<AppConfig>,
  processor: new (...args: never[]) => object,
): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    {
      module: class ScreeningTestWorkerModule {},
      imports: [
        testConfigModule('screening-worker', [queueConfig, lifecycleConfig], {
          REDIS_URL: t.config.REDIS_URL,
        }),
        MetricsModule,
        HealthModule.forRoot({ requires: [] }),
        QueueModule.forRoot({ queues: ['screening'], workers: { screening: {} }, prefix: t.queuePrefix }),
      ],
      providers: [processor],
    },
    { logger: false, abortOnError: false },
  );
}
