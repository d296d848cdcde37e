// What the vision-language model is asked. The answer is JSON only, with both names, a type
// from the tag model and a confidence, so it can be validated item by item (vlm-answer.ts).
// Boxes are not asked for: a general chat model's coordinates are guesses, and Tujian never
// shows a box the model may have made up. A change of wording changes what the model answers,
// so it bumps `vlmPromptVersion`, which is part of the engine's settings key: photos are then
// tagged again under the new prompt instead of mixing answers.

export const vlmPromptVersion = 1;

export interface VlmPrompt {
  /** The system message: the task and the answer's shape. */
  readonly system: string;
  /** The user message sent with the image. */
  readonly user: string;
}

export function buildVlmPrompt(language: 'zh' | 'en', maxTags: number): VlmPrompt {
  const n = String(maxTags);
  if (language === 'zh') {
    return {
      system: [
        '你为个人照片库给照片打标签。只回答 JSON，不要任何其他文字。',
        '格式：{"tags":[{"en":"dog","zh":"狗","type":"object","confidence":92}]}',
        '- en：英文名称，小写，单数名词或短语；zh：简体中文名称。两者都必须给出。',
        '- type：object（物体、动物、人）、scene（地点、场景）或 concept（活动、事件、氛围、风格）之一。',
        '- confidence：0 到 100 的整数，表示你有多确定。',
        `- 最多 ${n} 个标签，最显著的在前。只写清楚可见的内容；不要猜测人名、品牌或地名，除非图中文字写明。`,
      ].join('\n'),
      user: '给这张照片打标签。',
    };
  }
  return {
    system: [
      'You tag photos for a personal photo library. Answer with JSON only, no other text.',
      'Shape: {"tags":[{"en":"dog","zh":"狗","type":"object","confidence":92}]}',
      '- en: the English name, lower case, a singular noun or short phrase; zh: the Simplified Chinese name. Give both.',
      '- type: one of object (things, animals, people), scene (the place or setting) or concept (activities, events, moods, styles).',
      '- confidence: an integer from 0 to 100, how sure you are.',
      `- At most ${n} tags, the most salient first. Only what is clearly visible; do not guess names of people, brands or places unless text in the image says them.`,
    ].join('\n'),
    user: 'Tag this photo.',
  };
}
