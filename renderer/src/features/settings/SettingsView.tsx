// Settings: the engines (credentials, region/endpoint, tag language, threshold, limit,
// scenes, QPS, budget, hosting bucket, test connection) and general settings (data folder,
// display language, XMP sidecars and whether the text read in photos goes into them).
import { useEffect, useState } from 'react';
import type {
  AppInfo,
  EngineSettingsPatch,
  EngineSettingsView,
  SidecarSettingsPatch,
  SidecarSettingsView,
  UiLanguage,
} from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { EngineMigration } from './EngineMigration.tsx';
import { Spinner } from '../../components/EmptyState.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError } from '../../lib/errors.ts';
import { engineLabel } from '../../lib/engine-names.ts';
import type { Translate } from '../../i18n/translate.ts';
import { isMessageKey } from '../../i18n/messages.ts';

export function SettingsView(props: {
  info: AppInfo;
  version: number;
  onLanguage: (lang: UiLanguage | null) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const client = useClient();
  const [tab, setTab] = useState<'engines' | 'general'>('engines');
  const [engines, setEngines] = useState<EngineSettingsView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client.api['settings.engines']({}).then(setEngines, (e: unknown) => {
      setError(describeError(e, t));
    });
  }, [client, t, props.version]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') props.onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [props]);

  return (
    <div
      className="modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) props.onClose();
      }}
    >
      <div
        className="modal settings"
        role="dialog"
        aria-modal="true"
        aria-label={t('settings.title')}
        data-testid="settings"
      >
        <header className="modal-header">
          <h2>{t('settings.title')}</h2>
          <div className="tabs" role="tablist">
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'engines'}
              className={tab === 'engines' ? 'active' : ''}
              onClick={() => {
                setTab('engines');
              }}
            >
              {t('settings.engines')}
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'general'}
              className={tab === 'general' ? 'active' : ''}
              data-testid="settings-general"
              onClick={() => {
                setTab('general');
              }}
            >
              {t('settings.general')}
            </button>
          </div>
          <button
            type="button"
            className="icon-button"
            aria-label={t('common.close')}
            onClick={props.onClose}
          >
            <Icon name="close" />
          </button>
        </header>
        <div className="modal-body">
          {error && (
            <div className="inline-error" role="alert">
              {error}
            </div>
          )}
          {tab === 'engines' && !engines && !error && <Spinner label={t('photo.loading')} />}
          {tab === 'engines' &&
            engines?.map((engine) => (
              <EngineCard
                key={engine.engine}
                settings={engine}
                engines={engines}
                onSaved={(next) => {
                  setEngines(
                    (list) => list?.map((x) => (x.engine === next.engine ? next : x)) ?? null,
                  );
                }}
              />
            ))}
          {tab === 'general' && (
            <div className="general">
              <div className="field">
                <span className="field-label">{t('settings.uiLanguage')}</span>
                <select
                  data-testid="ui-language"
                  value={props.info.uiLanguage ?? 'system'}
                  onChange={(e) => {
                    const v = e.target.value;
                    props.onLanguage(v === 'zh' || v === 'en' ? v : null);
                  }}
                >
                  <option value="system">{t('settings.uiLanguageSystem')}</option>
                  <option value="zh">{t('lang.zh')}</option>
                  <option value="en">{t('lang.en')}</option>
                </select>
              </div>
              <SidecarSettings version={props.version} />
              <div className="field">
                <span className="field-label">{t('settings.dataFolder')}</span>
                <code className="path">{props.info.dataFolder}</code>
                <span className="field-hint">{t('settings.dataFolderHint')}</span>
              </div>
              <div className="field">
                <span className="field-label">{t('settings.host')}</span>
                <span>
                  {props.info.host === 'desktop'
                    ? t('settings.hostDesktop')
                    : t('settings.hostWeb')}
                </span>
              </div>
              <div className="field">
                <span className="field-label">{t('settings.version')}</span>
                <span>{props.info.version}</span>
              </div>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}

/** XMP sidecars: writing on or off, and the recognised text in them (an explicit opt-in). */
function SidecarSettings(props: { version: number }) {
  const { t } = useI18n();
  const client = useClient();
  const [settings, setSettings] = useState<SidecarSettingsView | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    client.api['settings.sidecars']({}).then(setSettings, (e: unknown) => {
      setMessage({ ok: false, text: describeError(e, t) });
    });
  }, [client, t, props.version]);

  const save = (patch: SidecarSettingsPatch) => {
    client.api['settings.setSidecars'](patch).then(
      (next) => {
        setSettings(next);
        setMessage({ ok: true, text: t('settings.saved') });
      },
      (e: unknown) => {
        setMessage({ ok: false, text: describeError(e, t) });
      },
    );
  };

  if (!settings) return null;
  const where =
    settings.location === 'folder' && settings.folder
      ? t('settings.sidecarsInFolder', { folder: settings.folder })
      : t('settings.sidecarsBeside');
  return (
    <fieldset className="sidecar-settings" data-testid="sidecar-settings">
      <legend>{t('settings.sidecars')}</legend>
      <label className="toggle">
        <input
          type="checkbox"
          data-testid="sidecars-write"
          checked={settings.enabled}
          onChange={(e) => {
            save({ enabled: e.target.checked });
          }}
        />
        <span className="toggle-track" aria-hidden="true" />
        <span>{t('settings.sidecarsWrite')}</span>
      </label>
      <p className="field-hint">{t('settings.sidecarsHint', { where })}</p>
      <label className="toggle">
        <input
          type="checkbox"
          data-testid="sidecars-text"
          checked={settings.writeText}
          onChange={(e) => {
            save({ writeText: e.target.checked });
          }}
        />
        <span className="toggle-track" aria-hidden="true" />
        <span>{t('settings.sidecarsText')}</span>
      </label>
      <p className="field-hint" data-testid="sidecars-text-hint">
        {t('settings.sidecarsTextHint')}
        {!settings.enabled && <> {t('settings.sidecarsTextNeedsWrite')}</>}
      </p>
      {message && (
        <span className={message.ok ? 'ok' : 'warn'} role="status">
          {message.text}
        </span>
      )}
    </fieldset>
  );
}

function EngineCard({
  settings,
  engines,
  onSaved,
}: {
  settings: EngineSettingsView;
  /** Every engine's settings (a retiring engine's card offers the others to move to). */
  engines: readonly EngineSettingsView[];
  onSaved: (s: EngineSettingsView) => void;
}) {
  const { t } = useI18n();
  const client = useClient();
  const [draft, setDraft] = useState(() => toDraft(settings));
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [testing, setTesting] = useState(false);

  useEffect(() => {
    setDraft(toDraft(settings));
  }, [settings]);

  const save = (patch: Partial<EngineSettingsPatch> = {}) => {
    const credentials: Record<string, string> = { ...secrets };
    for (const c of settings.credentials) {
      if (!c.secret && draft.plain[c.key] !== (c.value ?? ''))
        credentials[c.key] = draft.plain[c.key] ?? '';
    }
    const full: EngineSettingsPatch = {
      engine: settings.engine,
      enabled: draft.enabled,
      threshold: Number(draft.threshold),
      limit: draft.limit === '' ? null : Number(draft.limit),
      language: draft.language === '' ? null : draft.language,
      ...(settings.cloud
        ? {
            credentials,
            region: draft.region || null,
            endpoint: draft.endpoint || null,
            scenes:
              draft.scenes.trim() === '' ? null : draft.scenes.split(/[,，\s]+/).filter(Boolean),
            qps: draft.qps === '' ? null : Number(draft.qps),
            monthlyBudget: draft.budget === '' ? null : Number(draft.budget),
            hostingBucket: draft.bucket || null,
          }
        : {}),
      ...patch,
    };
    client.api['settings.setEngine'](full).then(
      (next) => {
        setSecrets({});
        setMessage({ ok: true, text: t('settings.saved') });
        onSaved(next);
      },
      (e: unknown) => {
        setMessage({ ok: false, text: describeError(e, t) });
      },
    );
  };

  const set = (key: keyof Draft, value: string | boolean) => {
    setDraft((d) => ({ ...d, [key]: value }));
  };

  const fieldKey = (c: CardField) => `credential.${settings.engine}.${c.key}`;
  const credentialFields = settings.credentials.filter((c) => !c.option);
  const optionFields = settings.credentials.filter((c) => c.option);
  const cardField = (c: CardField) => (
    <label key={c.key} className="field">
      <span className="field-label">
        {credentialLabel(settings.engine, c, t)}
        {settings.problemFields.includes(c.key) && (
          <span className="field-needed" data-testid="field-needed">
            {t('settings.fieldNeeded')}
          </span>
        )}
      </span>
      {c.secret ? (
        <input
          type="password"
          autoComplete="off"
          value={secrets[c.key] ?? ''}
          placeholder={c.isSet ? t('settings.secretSet') : t('settings.secretUnset')}
          onChange={(e) => {
            setSecrets((s) => ({ ...s, [c.key]: e.target.value }));
          }}
        />
      ) : c.choices ? (
        <select
          value={draft.plain[c.key] ?? ''}
          onChange={(e) => {
            setDraft((d) => ({ ...d, plain: { ...d.plain, [c.key]: e.target.value } }));
          }}
        >
          {/* An option left empty keeps the engine's default. */}
          <option value="">{c.option ? t('settings.optionDefault') : '—'}</option>
          {c.choices.map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      ) : (
        <input
          value={draft.plain[c.key] ?? ''}
          spellCheck={false}
          onChange={(e) => {
            setDraft((d) => ({ ...d, plain: { ...d.plain, [c.key]: e.target.value } }));
          }}
        />
      )}
      {c.option && <FieldHelp messageKey={`${fieldKey(c)}.help`} t={t} />}
    </label>
  );

  return (
    <section
      className={`engine-card${settings.enabled ? ' enabled' : ''}`}
      data-testid={`engine-${settings.engine}`}
    >
      <header className="engine-card-header">
        <div>
          <h3>{t(`engine.${settings.engine}`)}</h3>
          <p className="field-hint">
            {settings.engine === 'vlm'
              ? t('settings.vlmHint')
              : settings.cloud
                ? t('settings.cloudHint')
                : t('settings.localHint')}
          </p>
          {settings.engine === 'volcengine' && (
            <p className="field-hint">{t('settings.volcengineDetects')}</p>
          )}
          {settings.engine === 'tencent' && (
            <p className="field-hint" data-testid="engine-about">
              {t('settings.tencentAbout')}
            </p>
          )}
          {settings.engine === 'baidu' && (
            <p className="field-hint" data-testid="engine-about">
              {t('settings.baiduAbout')}
            </p>
          )}
        </div>
        <label className="toggle">
          <input
            type="checkbox"
            checked={draft.enabled}
            onChange={(e) => {
              set('enabled', e.target.checked);
              save({ enabled: e.target.checked });
            }}
          />
          <span className="toggle-track" aria-hidden="true" />
          <span>{t('settings.enabled')}</span>
        </label>
      </header>
      {settings.retirement && (
        <div className="engine-problem" role="note" data-testid="engine-retirement">
          <Icon name="warning" size={14} />
          <span>
            {t('settings.retirement', {
              engine: t(`engine.${settings.engine}`),
              id: settings.engine,
              endOfSale: settings.retirement.endOfSale,
              endOfService: settings.retirement.endOfService,
            })}
          </span>
        </div>
      )}
      {settings.endpointOffMachine && (
        <div className="engine-problem" role="note" data-testid="engine-off-machine">
          <Icon name="warning" size={14} />
          <span>{t('settings.endpointOffMachine', { host: hostOf(settings.endpoint ?? '') })}</span>
        </div>
      )}
      {settings.retirement && <EngineMigration from={settings.engine} engines={engines} />}
      {settings.cloud && settings.problem && (
        <div className="engine-problem" role="note" data-testid="engine-problem">
          <Icon name="warning" size={14} />
          <span>{setUpHint(settings, t)}</span>
        </div>
      )}
      <form
        className="engine-form"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        {credentialFields.length > 0 && (
          <fieldset>
            <legend>{t('settings.credentials')}</legend>
            {credentialFields.map(cardField)}
          </fieldset>
        )}
        {optionFields.length > 0 && (
          <fieldset data-testid="engine-options">
            <legend>{t('settings.engineOptions')}</legend>
            {optionFields.map(cardField)}
          </fieldset>
        )}
        <div className="field-grid">
          {settings.cloud && (
            <>
              {settings.engine !== 'vlm' && (
                <TextField
                  label={t('settings.region')}
                  value={draft.region}
                  onChange={(v) => {
                    set('region', v);
                  }}
                />
              )}
              <TextField
                label={t('settings.endpoint')}
                value={draft.endpoint}
                onChange={(v) => {
                  set('endpoint', v);
                }}
              />
            </>
          )}
          <label className="field">
            <span className="field-label">{t('settings.language')}</span>
            <select
              value={draft.language}
              onChange={(e) => {
                set('language', e.target.value);
              }}
            >
              <option value="">{t('settings.languageAuto')}</option>
              <option value="zh">{t('lang.zh')}</option>
              <option value="en">{t('lang.en')}</option>
            </select>
          </label>
          <TextField
            label={t('settings.threshold')}
            value={draft.threshold}
            type="number"
            onChange={(v) => {
              set('threshold', v);
            }}
          />
          <TextField
            label={t('settings.limit')}
            value={draft.limit}
            type="number"
            onChange={(v) => {
              set('limit', v);
            }}
          />
          {settings.cloud && (
            <>
              <TextField
                label={t('settings.qps')}
                value={draft.qps}
                type="number"
                onChange={(v) => {
                  set('qps', v);
                }}
              />
              <TextField
                label={t('settings.budget')}
                value={draft.budget}
                type="number"
                onChange={(v) => {
                  set('budget', v);
                }}
              />
              {settings.engine !== 'vlm' && (
                <TextField
                  label={t('settings.scenes')}
                  value={draft.scenes}
                  onChange={(v) => {
                    set('scenes', v);
                  }}
                />
              )}
              {settings.engine !== 'vlm' && (
                <TextField
                  label={t('settings.bucket')}
                  value={draft.bucket}
                  onChange={(v) => {
                    set('bucket', v);
                  }}
                />
              )}
            </>
          )}
        </div>
        <div className="engine-actions">
          {message && <span className={message.ok ? 'ok' : 'warn'}>{message.text}</span>}
          <span className="toolbar-spacer" />
          {settings.cloud && (
            <button
              type="button"
              className="secondary-button"
              data-testid="engine-test"
              disabled={testing}
              onClick={() => {
                if (settings.problem) {
                  // Nothing to test yet: say what is missing, by the engine's name.
                  setMessage({ ok: false, text: setUpHint(settings, t) });
                  return;
                }
                setTesting(true);
                client.api['settings.testEngine']({ engine: settings.engine })
                  .then(
                    (r) => {
                      // Said in the UI language with the engine's name; a live check's
                      // answer is the vendor's (or the check's) own words.
                      const name = engineLabel(settings.engine, t);
                      const text =
                        r.kind === 'complete'
                          ? t('settings.testComplete', { engine: name })
                          : r.kind === 'on-device'
                            ? t('settings.testOnDevice')
                            : r.message;
                      setMessage({ ok: r.ok, text });
                    },
                    (e: unknown) => {
                      setMessage({ ok: false, text: describeError(e, t) });
                    },
                  )
                  .finally(() => {
                    setTesting(false);
                  });
              }}
            >
              {testing ? t('settings.testing') : t('settings.test')}
            </button>
          )}
          <button type="submit" className="primary-button">
            {t('settings.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

type CardField = EngineSettingsView['credentials'][number];

interface Draft {
  enabled: boolean;
  plain: Record<string, string>;
  region: string;
  endpoint: string;
  language: '' | 'zh' | 'en';
  threshold: string;
  limit: string;
  scenes: string;
  qps: string;
  budget: string;
  bucket: string;
}

function toDraft(s: EngineSettingsView): Draft {
  return {
    enabled: s.enabled,
    plain: Object.fromEntries(
      s.credentials.filter((c) => !c.secret).map((c) => [c.key, c.value ?? '']),
    ),
    region: s.region ?? '',
    endpoint: s.endpoint ?? '',
    language: s.language ?? '',
    threshold: String(s.threshold),
    limit: s.limit === null ? '' : String(s.limit),
    scenes: s.scenes?.join(', ') ?? '',
    qps: s.qps === null ? '' : String(s.qps),
    budget: s.monthlyBudget === null ? '' : String(s.monthlyBudget),
    bucket: s.hostingBucket ?? '',
  };
}

function TextField(props: {
  label: string;
  value: string;
  type?: string;
  onChange: (v: string) => void;
}) {
  return (
    <label className="field">
      <span className="field-label">{props.label}</span>
      <input
        type={props.type ?? 'text'}
        value={props.value}
        spellCheck={false}
        onChange={(e) => {
          props.onChange(e.target.value);
        }}
      />
    </label>
  );
}

/** A credential field's label in the UI language where one is written, else the server's. */
/** A field's help line, when the messages have one for it. */
function FieldHelp(props: { messageKey: string; t: Translate }) {
  const { messageKey, t } = props;
  return isMessageKey(messageKey) ? <span className="field-hint">{t(messageKey)}</span> : null;
}

function credentialLabel(
  engine: EngineSettingsView['engine'],
  field: EngineSettingsView['credentials'][number],
  t: Translate,
): string {
  const key = `credential.${engine}.${field.key}`;
  return isMessageKey(key) ? t(key) : field.label;
}

/** The host of an endpoint as typed, for the off-machine warning. */
function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}

/** Why a cloud engine cannot be used yet, in the UI's language (never the schema's text). */
function setUpHint(settings: EngineSettingsView, t: Translate): string {
  const engine = t(`engine.${settings.engine}`);
  if (!settings.credentials.some((c) => c.isSet)) return t('settings.notSetUp', { engine });
  const credentialKeys = new Set(settings.credentials.map((c) => c.key));
  const other = settings.problemFields.filter((f) => !credentialKeys.has(f));
  if (other.length > 0) return t('settings.needsOther', { engine, fields: other.join(', ') });
  return t('settings.needsFields', { engine });
}
