'use strict';
// The user-api route's work, shared by the three apps so they differ only in their framework: an id checked, an
// asynchronous lookup (a table in memory standing in for a database), a response built and hashed for its ETag.
const { createHash } = require('node:crypto');

const DAY_MS = 86_400_000;
const USERS = Array.from({ length: 1000 }, (_, i) => ({
  id: i + 1,
  name: `User ${i + 1}`,
  email: `user${i + 1}@example.com`,
  createdAt: new Date(Date.UTC(2020, 0, 1) + i * DAY_MS).toISOString(),
  roles: i % 10 === 0 ? ['admin', 'user'] : ['user'],
}));

/** A query's round trip: the answer comes on a later turn of the event loop, as from a connection pool. */
function findUser(id) {
  return new Promise((resolve) => setImmediate(() => resolve(USERS[id - 1] ?? null)));
}

/** `{ status, body, etag }` for GET /api/users/:id. */
async function getUser(idText) {
  const id = Number(idText);
  if (!Number.isInteger(id) || id < 1)
    return { status: 400, body: JSON.stringify({ error: 'id must be a positive integer' }) };
  const user = await findUser(id);
  if (!user) return { status: 404, body: JSON.stringify({ error: `no user ${id}` }) };
  const orders = Array.from({ length: 5 }, (_, n) => ({
    id: `${id}-${n}`,
    items: ((id + n) % 4) + 1,
    totalCents: ((id * 7919 + n * 104729) % 20000) + 500,
  }));
  const body = JSON.stringify({
    ...user,
    displayName: user.name.toUpperCase(),
    memberForDays: Math.floor((Date.UTC(2026, 0, 1) - Date.parse(user.createdAt)) / DAY_MS),
    recentOrders: orders,
    lifetimeCents: orders.reduce((sum, o) => sum + o.totalCents, 0),
  });
  return { status: 200, body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

module.exports = { getUser };
