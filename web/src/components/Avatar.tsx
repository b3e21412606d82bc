import type { Me } from '../api';

/** The merchant's picture, or the first letter of the nickname (or of 账户) on a coloured disc. */
export function Avatar({ me, size = 'small' }: { me: Me; size?: 'small' | 'large' }) {
  if (me.avatarUrl) return <img className={`avatar ${size}`} src={me.avatarUrl} alt="" data-testid="avatar" />;
  const letter = [...(me.nickname?.trim() || me.phone.slice(-2))][0] ?? '·';
  return (
    <span className={`avatar ${size} avatar-letter`} aria-hidden="true" data-testid="avatar">
      {letter.toUpperCase()}
    </span>
  );
}
