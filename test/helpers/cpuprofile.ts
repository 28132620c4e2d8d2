import assert from 'node:assert/strict';

/**
 * What Chrome DevTools and speedscope need to open a `.cpuprofile`: nodes with a numeric id, a complete call frame and
 * children that are nodes; one root; samples that name nodes, one time delta per sample; startTime ≤ endTime.
 */
export function assertCpuProfile(value: unknown): void {
  assert.ok(value && typeof value === 'object', 'a profile is an object');
  const p = value as Record<string, unknown>;
  assert.ok(Array.isArray(p.nodes) && p.nodes.length > 0, 'nodes: a non-empty array');
  const ids = new Set<number>();
  const children = new Set<number>();
  for (const node of p.nodes as Record<string, unknown>[]) {
    assert.ok(Number.isInteger(node.id), `node id ${String(node.id)} is an integer`);
    assert.ok(!ids.has(node.id as number), `node id ${String(node.id)} is unique`);
    ids.add(node.id as number);
    const frame = node.callFrame as Record<string, unknown>;
    assert.ok(frame && typeof frame === 'object', `node ${String(node.id)} has a callFrame`);
    for (const key of ['functionName', 'scriptId', 'url'])
      assert.equal(typeof frame[key], 'string', `callFrame.${key} of node ${String(node.id)}`);
    for (const key of ['lineNumber', 'columnNumber'])
      assert.ok(Number.isInteger(frame[key]), `callFrame.${key} of node ${String(node.id)}`);
    if (node.children !== undefined) {
      assert.ok(Array.isArray(node.children), `children of node ${String(node.id)}`);
      for (const c of node.children as unknown[]) children.add(c as number);
    }
  }
  for (const c of children) assert.ok(ids.has(c), `child ${c} is a node`);
  assert.equal([...ids].filter((id) => !children.has(id)).length, 1, 'exactly one root');
  assert.ok(Array.isArray(p.samples) && Array.isArray(p.timeDeltas), 'samples and timeDeltas: arrays');
  assert.equal((p.samples as unknown[]).length, (p.timeDeltas as unknown[]).length, 'one time delta per sample');
  for (const s of p.samples as unknown[]) assert.ok(ids.has(s as number), `sample ${String(s)} names a node`);
  for (const d of p.timeDeltas as unknown[])
    assert.ok(typeof d === 'number' && Number.isFinite(d), 'time deltas: numbers');
  assert.ok(typeof p.startTime === 'number' && typeof p.endTime === 'number', 'startTime and endTime: numbers (µs)');
  assert.ok((p.startTime as number) <= (p.endTime as number), 'startTime ≤ endTime');
}
