// The host's event stream (openAppContext's onEvent, which the desktop window and `tujian
// serve`'s SSE forward): faces the background people pass places, with no API call anyone
// made, must reach the renderer as a `catalog-changed` `people` event so the People view
// refreshes. Real catalog, the real runtime with its people sync and re-cluster worker; faces
// with synthetic descriptors (test/catalog/people-fixture.ts) stand in for an engine's answer.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../main/app/app-context.ts';
import { listContentFaces, moveFace, namePerson } from '../../main/catalog/people.ts';
import type { ApiEvent } from '../../preload/api-contract.ts';
import { PeopleFixture } from '../catalog/people-fixture.ts';

let fx: PeopleFixture;
let context: AppContext | undefined;
beforeEach(() => {
  fx = new PeopleFixture();
});
afterEach(async () => {
  await context?.close();
  context = undefined;
  rmSync(fx.root, { recursive: true, force: true });
});

describe(openAppContext.name, () => {
  it('tells listeners when the background matcher puts new faces into persons', async () => {
    const first = fx.addPhoto('mum1.jpg', 'mum');
    const face = listContentFaces(fx.db, first)[0];
    if (!face) throw new Error('no face');
    namePerson(fx.db, moveFace(fx.db, face.id, null, 1), { zh: '妈妈', en: 'Mum' }, 1);
    // A new photo of Mum whose face the engine just stored: waiting for the matcher.
    const second = fx.addPhoto('mum2.jpg', 'mum');
    fx.db.close();

    context = await openAppContext({
      dataRoot: fx.data,
      host: 'web',
      // The live runtime (and its people sync) runs only with engines; none are needed here.
      engines: { engines: new Map(), concurrency: {}, close: () => Promise.resolve() },
      watch: false,
      progressIntervalMs: 50,
    });
    const events: ApiEvent[] = [];
    context.onEvent((event) => events.push(event));
    const people = () =>
      events.filter((e) => e.type === 'catalog-changed' && e.scope === 'people').length;
    // The sync looks for work every 5 s.
    const deadline = Date.now() + 20_000;
    while (people() === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(listContentFaces(context.db, second)[0]).toMatchObject({
      en: 'Mum',
      assignedBy: 'auto',
    });
    expect(people()).toBeGreaterThan(0);
  }, 30_000);
});
