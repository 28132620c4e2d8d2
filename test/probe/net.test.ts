import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopback } from '../../harness/target/loopback.js';
import { connectTarget, loopbackListenArgs } from '../../harness/probe/net.js';

const cb = () => undefined;

describe('probe: what a listen call binds', () => {
  it('binds every TCP form without a loopback host to 127.0.0.1, keeping port, backlog, options and callback', () => {
    assert.deepEqual(loopbackListenArgs([3000]), {
      args: [{ port: 3000, host: '127.0.0.1' }],
      requestedHost: null,
      rebound: true,
    });
    assert.deepEqual(loopbackListenArgs(['3000', cb]), {
      args: [{ port: '3000', host: '127.0.0.1' }, cb],
      requestedHost: null,
      rebound: true,
    });
    assert.deepEqual(loopbackListenArgs([3000, '0.0.0.0', 511, cb]), {
      args: [{ port: 3000, host: '127.0.0.1', backlog: 511 }, cb],
      requestedHost: '0.0.0.0',
      rebound: true,
    });
    assert.deepEqual(loopbackListenArgs([{ port: 0, host: '::', exclusive: true }]), {
      args: [{ port: 0, host: '127.0.0.1', exclusive: true }],
      requestedHost: '::',
      rebound: true,
    });
    assert.deepEqual(loopbackListenArgs([cb]), {
      args: [{ port: 0, host: '127.0.0.1' }, cb],
      requestedHost: null,
      rebound: true,
    });
    assert.deepEqual(loopbackListenArgs([]), {
      args: [{ port: 0, host: '127.0.0.1' }],
      requestedHost: null,
      rebound: true,
    });
    assert.deepEqual(loopbackListenArgs([8080, 'example.internal']), {
      args: [{ port: 8080, host: '127.0.0.1' }],
      requestedHost: 'example.internal',
      rebound: true,
    });
  });

  it('leaves loopback hosts, pipes and inherited handles as they are', () => {
    const args = [3000, 'localhost', cb];
    assert.deepEqual(loopbackListenArgs(args), { args, requestedHost: 'localhost', rebound: false });
    assert.equal(loopbackListenArgs([{ port: 1, host: '::1' }])?.rebound, false);
    assert.equal(loopbackListenArgs(['/tmp/app.sock']), undefined);
    assert.equal(loopbackListenArgs([{ path: '/tmp/app.sock' }]), undefined);
    assert.equal(loopbackListenArgs([{ port: 80, path: null }])?.rebound, true);
    assert.equal(loopbackListenArgs([{ fd: 3 }]), undefined);
    assert.equal(loopbackListenArgs([{ _handle: {} }]), undefined);
  });
});

describe('probe: where a connect call goes', () => {
  it('reads every Socket#connect form', () => {
    assert.deepEqual(connectTarget([{ host: '169.254.169.254', port: 80 }]), { host: '169.254.169.254', port: 80 });
    assert.deepEqual(connectTarget([[{ host: '10.1.2.3', port: 5432 }, cb]]), { host: '10.1.2.3', port: 5432 });
    assert.deepEqual(connectTarget([6379, 'cache.internal', cb]), { host: 'cache.internal', port: 6379 });
    assert.deepEqual(connectTarget([4318]), { host: 'localhost', port: 4318 });
    // http's agent: net.connect's normalised array, with path null for TCP.
    assert.deepEqual(connectTarget([[{ host: '169.254.169.254', port: 80, path: null }, cb]]), {
      host: '169.254.169.254',
      port: 80,
    });
    assert.equal(connectTarget([{ path: '/tmp/db.sock' }]), undefined);
    assert.equal(connectTarget(['/tmp/db.sock']), undefined);
  });

  it('knows loopback from the rest', () => {
    for (const host of [
      '127.0.0.1',
      '127.8.9.10',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
      'localhost',
      'LOCALHOST',
      'api.localhost',
    ])
      assert.ok(isLoopback(host), host);
    for (const host of [
      '0.0.0.0',
      '::',
      '169.254.169.254',
      '10.0.0.1',
      '::ffff:10.0.0.1',
      'metadata.google.internal',
      '128.0.0.1',
    ])
      assert.ok(!isLoopback(host), host);
  });
});
