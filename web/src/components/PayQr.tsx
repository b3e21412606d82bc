import { useEffect, useState } from 'react';
import { formatFen } from '../format';
import { countdown } from '../lib/checkout';
import { useI18n } from '../lib/i18n';
import { qrDataUrl } from '../lib/qr';

/** The QR code a payer scans (WeChat Native `code_url`, Alipay precreate `qr_code`), amount and time left. */
export function PayQr(props: {
  value: string;
  channel: 'wechat' | 'alipay';
  amountFen: number;
  expiresAt: string;
  onCancel(): void;
}) {
  const { t, errorText } = useI18n();
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    let live = true;
    qrDataUrl(props.value).then(
      (url) => live && setSrc(url),
      (err: unknown) => live && setError(errorText(err)),
    );
    return () => {
      live = false;
    };
  }, [props.value, errorText]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  return (
    <div className="pay-qr" data-testid="pay-qr-panel" data-channel={props.channel}>
      <strong className="pay-amount">{formatFen(props.amountFen)}</strong>
      {src ? (
        <img data-testid="pay-qr" src={src} width={232} height={232} alt={t(`pay.scan.${props.channel}`)} />
      ) : (
        <span className="pay-qr-placeholder">{error ?? t('common.loading')}</span>
      )}
      <span>{t(`pay.scan.${props.channel}`)}</span>
      <span className="muted small">
        {t('pay.timeLeft')} <span data-testid="pay-countdown">{countdown(props.expiresAt, now)}</span>
      </span>
      <button type="button" className="secondary" onClick={props.onCancel} data-testid="pay-cancel">
        {t('pay.cancel')}
      </button>
    </div>
  );
}
