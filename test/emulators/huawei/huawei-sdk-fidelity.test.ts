// Fidelity of the Huawei emulator: the official SDK (@huaweicloud/huaweicloud-sdk-image 3.1.215
// with -core 3.1.211, unchanged) signs requests the emulator must accept, and must parse the
// emulator's answers and errors. The SDK accepts a plain http:// endpoint via withEndpoint,
// so no TLS is needed. (The SDK prints failed requests through its own logger; that noise
// in the test output is the SDK's, see [Note: No vendor SDK in the product].)
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import {
  ImageClient,
  ImageTaggingReq,
  RunImageTaggingRequest,
} from '@huaweicloud/huaweicloud-sdk-image';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startHuaweiEmulator,
  type HuaweiEmulator,
} from '../../../main/emulators/huawei/huawei-emulator.ts';

let emulator: HuaweiEmulator;

beforeAll(async () => {
  emulator = await startHuaweiEmulator({ tagger: 'pixels' });
});
afterAll(async () => {
  await emulator.close();
});

function sdkClient(sk = emulator.credentials.sk): ImageClient {
  return ImageClient.newBuilder()
    .withCredential(
      new BasicCredentials()
        .withAk(emulator.credentials.ak)
        .withSk(sk)
        .withProjectId(emulator.credentials.projectId),
    )
    .withEndpoint(emulator.baseUrl)
    .build();
}

interface SdkTag {
  confidence: string;
  type: string;
  tag: string;
  i18n_tag: { zh: string; en: string };
  instances: { confidence: string; bounding_box: Record<string, number> }[];
}

describe(`${startHuaweiEmulator.name} with the official SDK as client`, () => {
  it('runImageTagging is signed, accepted and its answer parsed', async () => {
    const rect = await sharp({ create: { width: 80, height: 40, channels: 3, background: '#00f' } })
      .png()
      .toBuffer();
    const image = await sharp({
      create: { width: 320, height: 200, channels: 3, background: '#fff' },
    })
      .composite([{ input: rect, left: 40, top: 100 }])
      .jpeg()
      .toBuffer();
    const response = await sdkClient().runImageTagging(
      new RunImageTaggingRequest().withBody(
        new ImageTaggingReq()
          .withImage(image.toString('base64'))
          .withLanguage('en')
          .withThreshold(10)
          .withLimit(5),
      ),
    );
    expect(response.httpStatusCode).toBe(200);
    const tags = (response.result as { tags: SdkTag[] } | undefined)?.tags ?? [];
    expect(tags.map((t) => t.tag)).toEqual(expect.arrayContaining(['Foreground object', 'Blue']));
    const object = tags.find((t) => t.type === 'object');
    expect(Number(object?.instances[0]?.bounding_box.top_left_x)).toBeCloseTo(40, -1);
    const call = emulator.calls().at(-1);
    expect(call).toMatchObject({ route: 'image-tagging', outcome: 'ok', paid: true });
  });

  it('gets ClientRequestException APIG.0301 for a wrong SK, with the request id', async () => {
    const error: unknown = await sdkClient('wrong-secret')
      .runImageTagging(
        new RunImageTaggingRequest().withBody(
          new ImageTaggingReq().withUrl('http://127.0.0.1:1/a.jpg'),
        ),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({
      httpStatusCode: 401,
      errorCode: 'APIG.0301',
      requestId: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
    });
    expect((error as { errorMsg: string }).errorMsg).toContain(
      'verify aksk signature fail, canonicalRequest:POST|',
    );
    // The SDK signs content-type;host;x-project-id;x-sdk-date: the echo shows the same list.
    expect((error as { errorMsg: string }).errorMsg).toContain(
      '|content-type;host;x-project-id;x-sdk-date|',
    );
  });

  it('gets the service error AIS.0503 for a damaged image', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#0f0' } })
      .jpeg()
      .toBuffer();
    const error: unknown = await sdkClient()
      .runImageTagging(
        new RunImageTaggingRequest().withBody(
          new ImageTaggingReq().withImage(jpeg.subarray(0, 200).toString('base64')),
        ),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ httpStatusCode: 400, errorCode: 'AIS.0503' });
  });
});
