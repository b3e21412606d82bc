import { useI18n } from '../lib/i18n';

/**
 * The original next to the cleaned image. Side by side rather than a wipe slider: the result is
 * re-framed to 800×800, so the two pictures do not line up pixel for pixel.
 */
export function BeforeAfter({ before, after, onZoom }: { before: string; after: string; onZoom: () => void }) {
  const { t } = useI18n();
  return (
    <div className="before-after" data-testid="before-after">
      {[
        { src: before, label: t('task.before') },
        { src: after, label: t('task.after') },
      ].map((img, i) => (
        <figure key={img.label}>
          <button type="button" className="thumb" onClick={i === 1 ? onZoom : undefined} aria-label={img.label}>
            <img src={img.src} alt={img.label} data-testid={i === 1 ? 'result-image' : undefined} />
          </button>
          <figcaption className="small muted">{img.label}</figcaption>
        </figure>
      ))}
    </div>
  );
}
