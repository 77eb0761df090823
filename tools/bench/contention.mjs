// P2b: many guests try to book the same stay at the same moment; the exclusion constraint lets one win.
import { distribution } from './measure.mjs';

/** `attempts` concurrent POST /v1/bookings for one stay through the gateway, all released at once. */
export async function oneStayContention({ gateway, propertyId, tokens, attempts, checkIn, checkOut }) {
  const statuses = new Map();
  const samples = [];
  const attempt = async (i) => {
    const started = performance.now();
    const response = await fetch(`${gateway}/v1/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % tokens.length]}` },
      body: JSON.stringify({ propertyId, checkIn, checkOut, guests: 1 }),
    });
    await response.arrayBuffer();
    samples.push(performance.now() - started);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  };
  await Promise.all(Array.from({ length: attempts }, (_, i) => attempt(i)));
  return {
    attempts,
    won: statuses.get(201) ?? 0,
    conflicts: statuses.get(409) ?? 0,
    statuses,
    latency: distribution('one stay, all at once', samples),
  };
}
