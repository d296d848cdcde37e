import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cameraName, parseExifDate, readPhotoMetadata } from '../../main/library/photo-metadata.ts';

describe(parseExifDate.name, () => {
  it('reads EXIF dates as wall-clock time and rejects empty ones', () => {
    expect(parseExifDate('2022:12:31 23:30:00')).toBe(Date.UTC(2022, 11, 31, 23, 30, 0));
    expect(parseExifDate('2022-05-01T08:09:10')).toBe(Date.UTC(2022, 4, 1, 8, 9, 10));
    expect(parseExifDate('0000:00:00 00:00:00')).toBeNull();
    expect(parseExifDate('    :  :     :  :  ')).toBeNull();
    expect(parseExifDate(undefined)).toBeNull();
  });
});

describe(cameraName.name, () => {
  it('does not repeat the make', () => {
    expect(cameraName('Canon', 'Canon EOS R5')).toBe('Canon EOS R5');
    expect(cameraName('NIKON CORPORATION', 'NIKON D750')).toBe('NIKON D750');
    expect(cameraName('SONY', 'ILCE-7M3')).toBe('SONY ILCE-7M3');
    expect(cameraName('Apple\0\0', '')).toBe('Apple');
    expect(cameraName(undefined, undefined)).toBeNull();
  });
});

describe(readPhotoMetadata.name, () => {
  it('reads EXIF from a WebP through the block sharp finds, and nothing from a bare PNG', async () => {
    const webp = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#123' } })
      .webp()
      .withExif({
        IFD0: { Make: 'FUJIFILM', Model: 'X-T4' },
        IFD2: { DateTimeOriginal: '2019:02:03 04:05:06' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '0/1 0/1 0/1',
          GPSLongitudeRef: 'E',
          GPSLongitude: '0/1 0/1 0/1',
        },
      })
      .toBuffer();
    const { exif } = await sharp(webp).metadata();
    const facts = await readPhotoMetadata(exif, webp);
    expect(facts).toEqual({
      takenAt: Date.UTC(2019, 1, 3, 4, 5, 6),
      camera: 'FUJIFILM X-T4',
      lat: null, // 0,0 is a camera without a GPS fix
      lon: null,
      orientation: 1,
    });
    const png = await sharp({ create: { width: 5, height: 5, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect(await readPhotoMetadata(undefined, png)).toMatchObject({ takenAt: null, camera: null });
    expect(await readPhotoMetadata(undefined, Buffer.from('garbage'))).toMatchObject({
      camera: null,
    });
  });
});
