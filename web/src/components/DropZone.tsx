import { useRef, useState } from 'react';
import { useI18n } from '../lib/i18n';
import { formatBytes, formatMegapixels, formatNames, SMALL_SIDE, type UploadLimits } from '../lib/upload-checks';

/**
 * Click or drag images in; the keyboard reaches the hidden input through the button. With
 * `multiple` false the area takes one photo (a slot shared by the batch). The server's limits
 * are stated under the button (the panel checks each file against them before sending it).
 */
export function DropZone({
  onFiles,
  limits,
  disabled,
  multiple = true,
}: {
  onFiles: (files: File[]) => void;
  limits: UploadLimits;
  disabled?: boolean;
  multiple?: boolean;
}) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  return (
    <div
      className={over ? 'dropzone over' : 'dropzone'}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (!disabled) onFiles([...e.dataTransfer.files]);
      }}
      onClick={() => input.current?.click()}
    >
      <p className="muted">{t(multiple ? 'create.drop' : 'create.dropOne')}</p>
      <button type="button" className="secondary" disabled={disabled}>
        {t(multiple ? 'create.pick' : 'create.pickOne')}
      </button>
      <p className="small muted" data-testid="upload-limits">
        {t('upload.limits', {
          formats: formatNames(limits.formats),
          size: formatBytes(limits.maxBytes),
          mp: formatMegapixels(limits.maxPixels),
          side: SMALL_SIDE,
        })}
      </p>
      <input
        ref={input}
        type="file"
        accept={limits.formats.join(',')}
        multiple={multiple}
        hidden
        data-testid="file-input"
        onChange={(e) => {
          onFiles([...(e.target.files ?? [])]);
          e.target.value = ''; // the same file may be picked again after removing it
        }}
      />
    </div>
  );
}
