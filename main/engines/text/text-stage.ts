// The text stage (issue 14): reads the words in one photo on the device and ends every photo
// with a clear result — text (lines with normalised boxes), no text (the gate found none, so
// it is not read again for this model version), or failed with the reason (an image that
// cannot be decoded, a model that threw). Failures of the stage itself (models that cannot
// load, a closed stage) throw TextStageError instead: they say nothing about the photo.
//
// Registration: this stage is self-contained. It is meant to run after the object pass in the
// engine jobs, keyed by content hash and textModelVersion (see the report for issue 14).
import { ImageError } from '../../imaging/image-open.ts';
import { type ReadLine, textModelVersion } from './text-reader.ts';
import { prepareForText, type PrepareTextOptions } from './text-prepare.ts';
import { TextStageError, TextWorkerPool } from './text-worker-pool.ts';

export type TextLine = ReadLine;

export type TextReading =
  | {
      readonly status: 'text';
      readonly modelVersion: string;
      readonly lines: readonly TextLine[];
      readonly textArea: number;
      readonly ms: number;
    }
  | {
      readonly status: 'no-text';
      readonly modelVersion: string;
      readonly textArea: number;
      readonly ms: number;
    }
  | {
      readonly status: 'failed';
      readonly modelVersion: string;
      /** unreadable-image and model-failed are final; worker-died is worth one more try. */
      readonly reason: 'unreadable-image' | 'model-failed' | 'worker-died';
      readonly message: string;
      readonly ms: number;
    };

export interface TextStageOptions extends PrepareTextOptions {
  readonly workers?: number;
}

export class TextStage {
  private readonly pool: TextWorkerPool;

  constructor(
    private readonly options: TextStageOptions = {},
    pool?: TextWorkerPool,
  ) {
    this.pool = pool ?? new TextWorkerPool(options.workers ?? 1);
  }

  /** Reads one photo (a path or the file's bytes). */
  async read(input: string | Buffer): Promise<TextReading> {
    const started = performance.now();
    const modelVersion = textModelVersion;
    const elapsed = () => performance.now() - started;
    let image;
    try {
      image = await prepareForText(input, this.options);
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
      return {
        status: 'failed',
        modelVersion,
        reason: 'unreadable-image',
        message: error.message,
        ms: elapsed(),
      };
    }
    let reply;
    try {
      reply = await this.pool.read(image);
    } catch (error) {
      if (error instanceof TextStageError && error.code === 'worker-died') {
        return {
          status: 'failed',
          modelVersion,
          reason: 'worker-died',
          message: error.message,
          ms: elapsed(),
        };
      }
      throw error;
    }
    if (reply.type === 'failed') {
      return {
        status: 'failed',
        modelVersion,
        reason: 'model-failed',
        message: `The text models failed on this photo: ${reply.message}`,
        ms: elapsed(),
      };
    }
    if (reply.lines.length === 0) {
      return { status: 'no-text', modelVersion, textArea: reply.textArea, ms: elapsed() };
    }
    return {
      status: 'text',
      modelVersion,
      lines: reply.lines,
      textArea: reply.textArea,
      ms: elapsed(),
    };
  }

  /** The reader processes' ids ([Note: Text reading in a child process]). */
  get readerPids(): number[] {
    return this.pool.readerPids;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
