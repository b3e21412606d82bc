import type { AppConfig } from '../../../config/config';
import type { ChannelName } from '../payments.config';
import { AlipayChannel } from './alipay.channel';
import type { PaymentChannel } from './payment-channel';
import { LazyChannel, SandboxPayChannel, sandboxAlipayConfig, sandboxWechatConfig } from './sandbox.channel';
import { WechatPayChannel } from './wechatpay.channel';

export type { PaymentChannel } from './payment-channel';

/**
 * The enabled channels, by name (config validation already refused incomplete ones). With
 * VENDOR_MODE=sandbox, a wechat or alipay channel without its own keys is the same code talking
 * to the local sandbox with the keys the sandbox generated.
 */
export function createChannels(config: AppConfig): Map<ChannelName, PaymentChannel> {
  const channels = new Map<ChannelName, PaymentChannel>();
  const { payments } = config;
  const sandboxUrl = config.vendors.sandboxUrl;
  const keys = payments.sandboxKeysFile;
  const sandboxAllowed = payments.useSandboxVendors && !config.isProduction;
  for (const name of payments.channels) {
    if (name === 'wechat') {
      const scenes = payments.wechatScenes;
      if (payments.wechat) channels.set(name, new WechatPayChannel('wechat', payments.wechat, scenes));
      else if (sandboxAllowed)
        channels.set(
          name,
          new LazyChannel(
            'wechat',
            scenes,
            () => new WechatPayChannel('wechat', sandboxWechatConfig(keys, sandboxUrl), scenes),
          ),
        );
    }
    if (name === 'alipay') {
      const scenes = payments.alipayScenes;
      if (payments.alipay) channels.set(name, new AlipayChannel(payments.alipay, scenes));
      else if (sandboxAllowed)
        channels.set(
          name,
          new LazyChannel('alipay', scenes, () => new AlipayChannel(sandboxAlipayConfig(keys, sandboxUrl), scenes)),
        );
    }
    if (name === 'sandbox' && !config.isProduction) channels.set(name, new SandboxPayChannel(keys, sandboxUrl));
  }
  return channels;
}
