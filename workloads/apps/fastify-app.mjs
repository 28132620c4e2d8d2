// user-api on Fastify 5 (ESM): GET /api/users/:id and GET /healthz, on PORT at 127.0.0.1.
import Fastify from 'fastify';
import users from './users.cjs';

const app = Fastify();

app.get('/healthz', async (_request, reply) => {
  reply.type('text/plain');
  return 'ok';
});

app.get('/api/users/:id', async (request, reply) => {
  const { status, body, etag } = await users.getUser(request.params.id);
  if (etag) reply.header('etag', etag);
  reply.code(status).type('application/json');
  return body;
});

const port = Number(process.env.PORT ?? 3000);
await app.listen({ port, host: '127.0.0.1' });
console.log(`user-api (fastify) on http://127.0.0.1:${port}`);
