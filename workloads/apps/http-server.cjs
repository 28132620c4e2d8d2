'use strict';
// user-api on node:http alone (CommonJS): GET /api/users/:id and GET /healthz, on PORT at 127.0.0.1.
const http = require('node:http');
const { getUser } = require('./users.cjs');

const USER_PATH = /^\/api\/users\/([^/]+)$/;

const server = http.createServer(async (req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  const match = req.method === 'GET' ? USER_PATH.exec(path) : null;
  if (!match) {
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
    return;
  }
  try {
    const { status, body, etag } = await getUser(decodeURIComponent(match[1]));
    res.writeHead(status, { 'content-type': 'application/json', ...(etag ? { etag } : {}) }).end(body);
  } catch (error) {
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.message }));
  }
});

const port = Number(process.env.PORT ?? 3000);
server.listen(port, '127.0.0.1', () => {
  console.log(`user-api (node:http) on http://127.0.0.1:${port}`);
});
