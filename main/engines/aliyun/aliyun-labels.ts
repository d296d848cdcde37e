// zh/en names for the labels Aliyun Green answers. Labels of the `tag` scene are an open
// vocabulary the docs never list (PROTOCOLS.md §C.4): those the local engine also knows take
// its reviewed names (findLabel); the documented risk labels take the names below, written
// from the scene descriptions in Aliyun's Chinese docs; anything else keeps the English label
// as given for both languages and says so (`zhKnown: false`) instead of inventing a translation.
import { findLabel } from '../local/local-labels.ts';

const riskLabels: Readonly<Record<string, { zh: string; en: string }>> = {
  sexy: { zh: '性感', en: 'Sexy' },
  porn: { zh: '色情', en: 'Pornography' },
  bloody: { zh: '血腥', en: 'Bloody' },
  explosion: { zh: '爆炸烟光', en: 'Explosion' },
  outfit: { zh: '特殊装束', en: 'Special outfit' },
  logo: { zh: '特殊标识', en: 'Special logo' },
  weapon: { zh: '武器', en: 'Weapon' },
  politics: { zh: '涉政', en: 'Politics' },
  violence: { zh: '打斗', en: 'Violence' },
  crowd: { zh: '聚众', en: 'Crowd' },
  parade: { zh: '游行', en: 'Parade' },
  carcrash: { zh: '车祸现场', en: 'Car crash' },
  flag: { zh: '旗帜', en: 'Flag' },
  location: { zh: '地标', en: 'Landmark' },
  drug: { zh: '涉毒', en: 'Drugs' },
  gamble: { zh: '赌博', en: 'Gambling' },
  others: { zh: '其他', en: 'Others' },
  ad: { zh: '广告', en: 'Advertising' },
  abuse: { zh: '辱骂', en: 'Abuse' },
  terrorism: { zh: '暴恐', en: 'Terrorism' },
  contraband: { zh: '违禁品', en: 'Contraband' },
  spam: { zh: '垃圾内容', en: 'Spam' },
  npx: { zh: '牛皮癣广告', en: 'Street spam ad' },
  qrcode: { zh: '二维码', en: 'QR code' },
  programcode: { zh: '小程序码', en: 'Mini-program code' },
  meaningless: { zh: '无意义图片', en: 'Meaningless picture' },
  pip: { zh: '画中画', en: 'Picture in picture' },
  smoking: { zh: '吸烟', en: 'Smoking' },
  drivelive: { zh: '车内直播', en: 'Live while driving' },
  tv: { zh: '台标', en: 'TV logo' },
  trademark: { zh: '商标', en: 'Trademark' },
};

export interface AliyunLabelNames {
  readonly zh: string;
  readonly en: string;
  /** False when no reviewed zh name exists and the English label stands in for it. */
  readonly zhKnown: boolean;
}

export function aliyunLabelNames(label: string): AliyunLabelNames {
  const key = label.trim().toLowerCase();
  const local = findLabel(key);
  if (local) return { zh: local.zh, en: local.en, zhKnown: true };
  const risk = riskLabels[key];
  if (risk) return { ...risk, zhKnown: true };
  return { zh: label.trim(), en: label.trim(), zhKnown: false };
}
