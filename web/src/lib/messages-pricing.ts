/**
 * Texts of prices said before anything is spent: the public price list on the sign-in page,
 * what paying will add, and a pending order to continue. Spread into the tables of messages.ts.
 */
export const pricingZh = {
  'pricing.title': '价格',
  'pricing.plan': '会员 {price}：{credits} 点额度，{days} 天有效',
  'pricing.perImage': '每张照片 {credits} 点',
  'pricing.outputs': '出 {n} 张图',
  'pricing.refund': '生成失败、取消或超时的图片自动退还额度',
  'pricing.previewNew': '支付后：额度 {before} → {after} 点，有效期至 {date}',
  'pricing.previewRenew': '支付后：额度 {before} → {after} 点，有效期从 {from} 顺延至 {date}',
  'pricing.pending': '你有一笔未完成的订单：{item} {price}，请在 {time} 前完成支付',
  'pricing.pendingContinue': '继续支付',
  'pricing.pendingCancel': '取消订单',
  'pricing.resumeWaiting': '等待支付结果…请点击下方链接打开支付页面完成支付',
};

export const pricingEn: Record<keyof typeof pricingZh, string> = {
  'pricing.title': 'Pricing',
  'pricing.plan': 'Membership {price}: {credits} credits, valid {days} days',
  'pricing.perImage': '{credits} credits per photo',
  'pricing.outputs': '{n} images',
  'pricing.refund': 'Images that fail, are canceled or time out are refunded automatically',
  'pricing.previewNew': 'Once paid: {before} → {after} credits, valid until {date}',
  'pricing.previewRenew': 'Once paid: {before} → {after} credits, extended from {from} to {date}',
  'pricing.pending': 'You have an unfinished order: {item} {price}. Pay before {time}',
  'pricing.pendingContinue': 'Continue paying',
  'pricing.pendingCancel': 'Cancel order',
  'pricing.resumeWaiting': 'Waiting for the payment… open the payment page with the link below',
};
