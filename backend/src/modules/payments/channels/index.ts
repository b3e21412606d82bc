import type { AppConfig } from '../../../config/config';
import type { ChannelName } from '../payments.config';
import { AlipayChannel } from './alipay.channel';
import type { PaymentChannel } from './payment-channel';
import { SandboxPayChannel } from './sandbox.channel';
import { WechatPayChannel } from './wechatpay.channel';

export type { PaymentChannel } from './payment-channel';

/** The enabled channels, by name (config validation already refused incomplete ones). */
export function createChannels(config: AppConfig): Map<ChannelName, PaymentChannel> {
  const channels = new Map<ChannelName, PaymentChannel>();
  const { payments } = config;
  for (const name of payments.channels) {
    if (name === 'wechat' && payments.wechat) channels.set(name, new WechatPayChannel('wechat', payments.wechat));
    if (name === 'alipay' && payments.alipay) channels.set(name, new AlipayChannel(payments.alipay));
    if (name === 'sandbox' && !config.isProduction)
      channels.set(name, new SandboxPayChannel(payments.sandboxKeysFile, config.vendors.sandboxUrl));
  }
  return channels;
}
