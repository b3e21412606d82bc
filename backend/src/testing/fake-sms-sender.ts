import type { SmsSender } from '../modules/sms/sms-sender';

/** Records codes instead of texting them; can be told to fail the next send. */
export class RecordingSmsSender implements SmsSender {
  readonly sent: Array<{ phone: string; code: string }> = [];
  private failure: Error | null = null;

  failNextWith(err: Error): void {
    this.failure = err;
  }

  async sendCode(phone: string, code: string): Promise<void> {
    if (this.failure) {
      const err = this.failure;
      this.failure = null;
      throw err;
    }
    this.sent.push({ phone, code });
  }

  /** The newest code texted to `phone`. */
  lastCode(phone: string): string {
    const found = [...this.sent].reverse().find((m) => m.phone === phone);
    if (!found) throw new Error(`no code was sent to ${phone}`);
    return found.code;
  }
}
