'use strict';
// user-api on Express 4 (CommonJS): GET /api/users/:id and GET /healthz, on PORT at 127.0.0.1.
const express = require('express');
const { getUser } = require('./users.cjs');

const app = express();

app.get('/healthz', (_req, res) => {
  res.type('text/plain').send('ok');
});

app.get('/api/users/:id', async (req, res, next) => {
  try {
    const { status, body, etag } = await getUser(req.params.id);
    if (etag) res.set('etag', etag);
    res.status(status).type('application/json').send(body);
  } catch (error) {
    next(error);
  }
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => {
  console.log(`user-api (express) on http://127.0.0.1:${port}`);
});
