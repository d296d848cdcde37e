// The text stage as an engine of the one pipeline (id `text`, text-profile.ts): the job runner
// calls `tag()` for a photo, and the answer carries the lines read (`text.lines`, empty for a
// photo without text) and no tags. Each photo ends as a result or an EngineError the runner
// already handles: an image that cannot be decoded or that makes the models throw is
// `permanent` (the photo's job fails with the reason, the rest go on), a reader that died is
// `retry`, models that cannot load stop the engine.
import type { EngineLimits, SyncEngine, TagRequest } from '../engine.ts';
import { EngineError } from '../engine.ts';
import type { EngineAnswer, TextLineAnswer } from '../tag-model.ts';
import { textModelVersion } from './text-reader.ts';
import { type TextReading, TextStage, type TextStageOptions } from './text-stage.ts';
import { TextStageError } from './text-worker-pool.ts';

export interface TextEngine extends SyncEngine {
  readonly id: 'text';
  readonly kind: 'sync';
  readonly model: string;
  readonly concurrency: number;
  close(): Promise<void>;
}

/** The answer for one reading, or the EngineError it ends as. */
export function answerForReading(reading: TextReading): EngineAnswer {
  switch (reading.status) {
    case 'text':
    case 'no-text': {
      const lines: TextLineAnswer[] =
        reading.status === 'text'
          ? reading.lines.map((line) => ({
              text: line.text,
              box: line.box.map(([x, y]) => [x, y] as [number, number]),
              confidence: Math.round(line.confidence * 1000) / 10,
              language: line.language,
            }))
          : [];
      return { engine: 'text', model: reading.modelVersion, tags: [], text: { lines } };
    }
    case 'failed':
      throw new EngineError(
        'text',
        reading.reason,
        reading.message,
        reading.reason === 'worker-died' ? 'retry' : 'permanent',
      );
  }
}

/**
 * The text engine. Cheap to build: the reader process starts with the first photo. `stage`
 * lets tests and benchmarks hand in their own.
 */
export function createTextEngine(
  options: TextStageOptions & { stage?: () => TextStage } = {},
): TextEngine {
  let stage: TextStage | undefined;
  let closed = false;
  const getStage = () => {
    stage ??= options.stage?.() ?? new TextStage(options);
    return stage;
  };
  const limits: EngineLimits = {
    formats: ['jpeg', 'png', 'webp', 'gif'],
    maxSide: 960,
    minSide: 8,
    input: 'pixels',
  };
  return {
    id: 'text',
    kind: 'sync',
    limits,
    model: textModelVersion,
    concurrency: 1,
    settingsKey: () => `text:${textModelVersion}`,
    tag: async (request: TagRequest) => {
      if (closed) throw new EngineError('text', 'closed', 'The text engine is closed', 'retry');
      let reading: TextReading;
      try {
        reading = await getStage().read(request.sourcePath);
      } catch (error) {
        if (error instanceof TextStageError) {
          throw new EngineError(
            'text',
            error.code,
            error.message,
            error.code === 'model-load' ? 'stop-engine' : 'retry',
          );
        }
        throw error;
      }
      return answerForReading(reading);
    },
    close: async () => {
      closed = true;
      await stage?.close();
    },
  };
}
