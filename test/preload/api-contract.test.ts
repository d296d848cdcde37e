import { describe, expect, it } from 'vitest';
import {
  engineIds as mainEngineIds,
  tagTypes as mainTagTypes,
} from '../../main/engines/tag-model.ts';
import { searchSorts as mainSorts } from '../../main/search/search-service.ts';
import { clientFromBridge, type TujianBridge } from '../../preload/api-client.ts';
import {
  apiContract,
  channels,
  engineIds,
  ipcChannelName,
  searchSorts,
  tagTypes,
} from '../../preload/api-contract.ts';

describe('apiContract', () => {
  it('repeats the core enums exactly (preload may not import main/)', () => {
    expect(engineIds).toEqual(mainEngineIds);
    expect(tagTypes).toEqual(mainTagTypes);
    for (const sort of searchSorts) expect(mainSorts).toContain(sort);
  });

  it('gives every channel an input and an output schema and its own IPC name', () => {
    expect(channels.length).toBeGreaterThan(25);
    expect(new Set(channels.map(ipcChannelName)).size).toBe(channels.length);
    for (const channel of channels) {
      expect(typeof apiContract[channel].input.safeParse, channel).toBe('function');
      expect(typeof apiContract[channel].output.safeParse, channel).toBe('function');
    }
  });

  it('fills defaults and rejects bad input', () => {
    expect(apiContract['photos.search'].input.parse({ query: 'dog' })).toEqual({
      query: 'dog',
      sort: 'taken-desc',
      cursor: null,
      limit: 500,
      withFacets: true,
      lastWordPrefix: false,
    });
    expect(apiContract['photos.search'].input.safeParse({ query: 'x', limit: 1e9 }).success).toBe(
      false,
    );
    expect(apiContract['folders.list'].input.safeParse({ extra: 1 }).success).toBe(false);
    expect(apiContract['tags.add'].input.safeParse({ photoIds: [], name: 'x' }).success).toBe(
      false,
    );
  });
});

describe(clientFromBridge.name, () => {
  it('unwraps envelopes into values and errors with codes', async () => {
    const calls = Object.fromEntries(
      channels.map((c) => [
        c,
        (input: unknown) =>
          Promise.resolve(
            c === 'albums.list'
              ? { ok: true, value: [{ id: 1, name: 'a', query: 'q', count: 2, input }] }
              : { ok: false, error: { code: 'not-found', message: `no ${c}` } },
          ),
      ]),
    ) as unknown as TujianBridge['calls'];
    const client = clientFromBridge({
      calls,
      onEvent: () => () => undefined,
      mediaUrl: (k, h) => `${k}:${h}`,
    });
    expect(await client.api['albums.list']({})).toEqual([
      { id: 1, name: 'a', query: 'q', count: 2, input: {} },
    ]);
    await expect(client.api['photos.details']({ id: 1 })).rejects.toMatchObject({
      code: 'not-found',
      message: 'no photos.details',
    });
    expect(client.mediaUrl('thumbnail', 'ab')).toBe('thumbnail:ab');
  });
});
