import { useEffect, useRef, useState } from 'react';
import type { Schemas, Task } from '../api';
import { downloadUrl, resultNameOf } from '../lib/download';
import { useI18n } from '../lib/i18n';
import { navigate } from '../lib/router';
import { useSignedIn } from '../lib/session-context';

/** The seeded video album type (视频相册): one `task` input, a music choice, its own price. */
export const VIDEO_ALBUM = 'video_album';

type TaskTypeDef = Schemas['TaskType'];

/** A result that is a video (the album's MP4), by the extension of its signed URL's path. */
export function isVideoUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return new URL(url, 'http://x').pathname.toLowerCase().endsWith('.mp4');
  } catch {
    return false;
  }
}

/** The album's player: the MP4 plays in place (faststart, so it starts before it has all arrived). */
export function VideoResult({ task }: { task: Task }) {
  const { t } = useI18n();
  const url = task.resultUrls[0];
  return (
    <section className="card" data-testid="results">
      <h2>{t('task.results')}</h2>
      <video className="album-video" data-testid="album-video" src={url} controls playsInline preload="metadata" />
      <p className="row spread small">
        {t('album.videoNote')}
        <button
          type="button"
          className="link small"
          onClick={() => void downloadUrl(url, resultNameOf(task, 0, 'album.mp4'))}
        >
          {t('task.download')}
        </button>
      </p>
    </section>
  );
}

/**
 * "Make video album" on a finished task with enough images: shows the album's price and music
 * choice from `GET /api/v1/task-types`, asks for confirmation, then creates the album task with
 * this task as its source and opens it. Hidden when the type is not offered (disabled by an admin).
 */
export function VideoAlbumAction({ task }: { task: Task }) {
  const { api } = useSignedIn();
  const { t, lang, errorText } = useI18n();
  const [def, setDef] = useState<TaskTypeDef | null>(null);
  const [open, setOpen] = useState(false);
  const [music, setMusic] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const idempotencyKey = useRef<string | null>(null);

  useEffect(() => {
    let live = true;
    api.taskTypes().then(
      (res) => live && setDef(res.items.find((d) => d.key === VIDEO_ALBUM) ?? null),
      () => live && setDef(null),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const slot = def?.inputs.find((i) => i.kind === 'task');
  if (
    !def ||
    !slot ||
    task.status !== 'done' ||
    task.type === def.key ||
    task.resultUrls.length < (slot.minResults ?? 1) ||
    task.resultUrls.some(isVideoUrl)
  )
    return null;

  const choice = def.params.find((p) => p.kind === 'choice');
  const picked = music ?? choice?.default ?? choice?.options?.[0]?.value ?? '';
  const name = def.name[lang];

  const make = async () => {
    setBusy(true);
    setError(null);
    // One key per confirmation: a double click or a retried request makes one album.
    idempotencyKey.current ??= crypto.randomUUID();
    try {
      const res = await api.createTasks(
        { type: def.key, inputs: { [slot.name]: task.id }, params: choice ? { [choice.name]: picked } : {} },
        idempotencyKey.current,
      );
      navigate(`/tasks/${res.tasks[0].id}`);
    } catch (err) {
      setError(errorText(err));
      idempotencyKey.current = null;
      setBusy(false);
    }
  };

  return (
    <section className="card album-action" data-testid="video-album">
      {!open ? (
        <div className="row spread wrap">
          <span className="small muted">{t('album.pitch', { n: task.resultUrls.length })}</span>
          <button type="button" data-testid="video-album-open" onClick={() => setOpen(true)}>
            {t('album.make')} · {t('common.credits', { n: def.credits })}
          </button>
        </div>
      ) : (
        <div className="stack">
          <h2>{name}</h2>
          <p className="small muted">{def.description[lang]}</p>
          {choice?.options && (
            <fieldset data-testid="video-album-music">
              <legend className="small">{choice.label[lang]}</legend>
              {choice.options.map((o) => (
                <label key={o.value} className={o.value === picked ? 'on' : undefined}>
                  <input
                    type="radio"
                    name="album-music"
                    value={o.value}
                    checked={o.value === picked}
                    onChange={() => setMusic(o.value)}
                  />
                  {o.label[lang]}
                </label>
              ))}
            </fieldset>
          )}
          <p data-testid="video-album-cost">{t('album.confirm', { n: def.credits, count: task.resultUrls.length })}</p>
          <div className="row wrap">
            <button type="button" data-testid="video-album-confirm" disabled={busy} onClick={() => void make()}>
              {busy ? t('album.making') : t('album.confirmButton')}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
          </div>
          {error && (
            <p className="error small" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
