import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertIssue, issuesOf, parse } from './helpers.js';

describe('config: load.pacing and load.arrivals', () => {
  it('default to the timer pacer (hybrid costs the shared cores more) and a fixed interval', () => {
    const { load } = parse('');
    assert.equal(load.pacing, 'timer');
    assert.equal(load.arrivals, 'uniform');
  });

  it('take timer and poisson, and thread', () => {
    const { load } = parse('load: { pacing: timer, arrivals: poisson }');
    assert.equal(load.pacing, 'timer');
    assert.equal(load.arrivals, 'poisson');
    assert.equal(parse('load: { pacing: thread }').load.pacing, 'thread');
  });

  it('name the choices when given something else', () => {
    const issues = issuesOf('load: { pacing: busy, arrivals: bursty }\n');
    assertIssue(issues, 'load.pacing', "expected timer, hybrid or thread, got 'busy'");
    assertIssue(issues, 'load.arrivals', "expected uniform or poisson, got 'bursty'");
  });
});

describe('config: load.maxSendLagP99Us', () => {
  it('is absent by default (the bound then follows the service) and takes whole microseconds', () => {
    assert.equal(parse('').load.maxSendLagP99Us, undefined);
    assert.equal(parse('load: { maxSendLagP99Us: 200 }').load.maxSendLagP99Us, 200);
    assertIssue(
      issuesOf('load: { maxSendLagP99Us: 0 }\n'),
      'load.maxSendLagP99Us',
      'must be a whole number between 1 and 10000000, got 0',
    );
  });
});

describe('config: load.realtime', () => {
  it('is off by default and takes a boolean', () => {
    assert.equal(parse('').load.realtime, false);
    assert.equal(parse('load: { realtime: true }').load.realtime, true);
  });

  it('names what it expects when given something else', () => {
    assertIssue(issuesOf('load: { realtime: auto }\n'), 'load.realtime', "expected true or false, got 'auto'");
  });
});
