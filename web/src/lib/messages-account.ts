/**
 * Texts of the merchant's account: WeChat sign-in, the 账户 / Account page and their errors.
 * Spread into the tables of messages.ts (so `t()` knows them); the English table is typed against
 * the Chinese one, so a missing translation is a compile error.
 */
export const accountZh = {
  'nav.profile': '账户',
  'login.wechat': '微信登录',
  'login.or': '或',

  'wechat.title': '微信登录',
  'wechat.working': '正在完成微信登录…',
  'wechat.denied': '你已取消微信授权',
  'wechat.notStarted': '这次微信登录不是从本浏览器发起的，或已过期，请重新扫码',
  'wechat.linkTitle': '验证手机号',
  'wechat.linkHint': '首次使用微信登录：验证手机号后，微信「{name}」将与该手机号的账户绑定，以后扫码即可登录。',
  'wechat.linkSubmit': '验证并登录',
  'wechat.back': '返回登录',
  'wechat.backProfile': '返回账户',

  'profile.title': '账户',
  'profile.basics': '基本资料',
  'profile.unnamed': '未设置昵称',
  'profile.nickname': '昵称',
  'profile.nicknamePlaceholder': '1–32 个字',
  'profile.save': '保存',
  'profile.saved': '已保存',
  'profile.avatarUpload': '上传头像',
  'profile.avatarRemove': '移除头像',
  'profile.avatarHint': 'JPG / PNG / WebP，5 MB 以内',
  'profile.phone': '手机号',
  'profile.phoneCurrent': '当前手机号 {phone}',
  'profile.phoneChange': '更换手机号',
  'profile.phoneOldCode': '当前手机号收到的验证码',
  'profile.phoneNew': '新手机号',
  'profile.phoneNewCode': '新手机号收到的验证码',
  'profile.phoneSubmit': '确认更换',
  'profile.phoneChanged': '手机号已更换，其他设备需重新登录',
  'profile.wechat': '微信',
  'profile.wechatNone': '未绑定微信。绑定后可用微信扫码登录。',
  'profile.wechatLinked': '已绑定微信「{name}」',
  'profile.wechatLink': '绑定微信',
  'profile.wechatUnlink': '解除绑定',
  'profile.wechatUnlinkQuestion': '解除后，用微信登录需重新验证手机号。确定解除？',
  'profile.wechatJustLinked': '微信绑定成功',
  'profile.security': '安全',
  'profile.signOutAll': '退出所有设备',
  'profile.signOutAllHint': '所有设备上的登录（包括本机）都将立即失效。',
  'profile.signOutAllQuestion': '确定退出所有设备？',

  'account.error.INVALID_CODE': '验证码不正确',
  'account.error.CODE_EXPIRED': '验证码已过期，请重新获取',
  'account.error.CODE_USED': '验证码已失效，请重新获取',
  'account.error.TOO_MANY_ATTEMPTS': '错误次数过多，请重新获取验证码',
  'account.error.PHONE_TAKEN': '该手机号已属于其他账户',
  'account.error.SAME_PHONE': '这已经是你的手机号',
  'account.error.SESSION_ENDED': '登录已失效，请重新登录',
  'account.error.UNSUPPORTED_MEDIA_TYPE': '请上传 JPG、PNG 或 WebP 图片',
  'account.error.WECHAT_STATE_INVALID': '这次微信登录已过期、已使用或不是从本浏览器发起的，请重新扫码',
  'account.error.WECHAT_CODE_INVALID': '微信授权已过期或已使用，请重新扫码',
  'account.error.WECHAT_TICKET_INVALID': '微信登录已过期，请重新扫码',
  'account.error.WECHAT_TAKEN': '该微信已绑定其他手机号的账户，请先在那个账户解除绑定',
  'account.error.WECHAT_ALREADY_LINKED': '该账户已绑定另一个微信，请先解除绑定',
  'account.error.WECHAT_UNAVAILABLE': '微信登录暂不可用，请稍后再试或使用手机号登录',
  'account.error.WECHAT_LOGIN_OFF': '本站未开启微信登录',
} as const;

export const accountEn: Record<keyof typeof accountZh, string> = {
  'nav.profile': 'Account',
  'login.wechat': 'Sign in with WeChat',
  'login.or': 'or',

  'wechat.title': 'WeChat sign-in',
  'wechat.working': 'Finishing the WeChat sign-in…',
  'wechat.denied': 'You declined the WeChat sign-in',
  'wechat.notStarted': 'This WeChat sign-in was not started in this browser or has expired; scan again',
  'wechat.linkTitle': 'Verify your phone',
  'wechat.linkHint':
    'First WeChat sign-in: verify a phone number, and WeChat “{name}” is linked to that number’s account. Next time, scanning is enough.',
  'wechat.linkSubmit': 'Verify and sign in',
  'wechat.back': 'Back to sign-in',
  'wechat.backProfile': 'Back to Account',

  'profile.title': 'Account',
  'profile.basics': 'Profile',
  'profile.unnamed': 'No nickname',
  'profile.nickname': 'Nickname',
  'profile.nicknamePlaceholder': '1–32 characters',
  'profile.save': 'Save',
  'profile.saved': 'Saved',
  'profile.avatarUpload': 'Upload a picture',
  'profile.avatarRemove': 'Remove picture',
  'profile.avatarHint': 'JPG, PNG or WebP, up to 5 MB',
  'profile.phone': 'Phone number',
  'profile.phoneCurrent': 'Current number {phone}',
  'profile.phoneChange': 'Change phone number',
  'profile.phoneOldCode': 'Code sent to the current number',
  'profile.phoneNew': 'New phone number',
  'profile.phoneNewCode': 'Code sent to the new number',
  'profile.phoneSubmit': 'Change number',
  'profile.phoneChanged': 'Number changed; other devices must sign in again',
  'profile.wechat': 'WeChat',
  'profile.wechatNone': 'No WeChat linked. Link one to sign in by scanning a QR code.',
  'profile.wechatLinked': 'Linked to WeChat “{name}”',
  'profile.wechatLink': 'Link WeChat',
  'profile.wechatUnlink': 'Unlink',
  'profile.wechatUnlinkQuestion': 'Signing in with WeChat will ask for your phone again. Unlink?',
  'profile.wechatJustLinked': 'WeChat linked',
  'profile.security': 'Security',
  'profile.signOutAll': 'Sign out everywhere',
  'profile.signOutAllHint': 'Every sign-in on every device, this one included, ends at once.',
  'profile.signOutAllQuestion': 'Sign out on every device?',

  'account.error.INVALID_CODE': 'The code is not correct',
  'account.error.CODE_EXPIRED': 'The code has expired; request a new one',
  'account.error.CODE_USED': 'The code is no longer valid; request a new one',
  'account.error.TOO_MANY_ATTEMPTS': 'Too many wrong attempts; request a new code',
  'account.error.PHONE_TAKEN': 'This number belongs to another account',
  'account.error.SAME_PHONE': 'This is already your number',
  'account.error.SESSION_ENDED': 'Your sign-in has ended; sign in again',
  'account.error.UNSUPPORTED_MEDIA_TYPE': 'Upload a JPG, PNG or WebP picture',
  'account.error.WECHAT_STATE_INVALID':
    'This WeChat sign-in expired, was used, or was not started in this browser; scan again',
  'account.error.WECHAT_CODE_INVALID': 'The WeChat authorization expired or was used; scan again',
  'account.error.WECHAT_TICKET_INVALID': 'The WeChat sign-in expired; scan again',
  'account.error.WECHAT_TAKEN': 'This WeChat is linked to another phone account; unlink it there first',
  'account.error.WECHAT_ALREADY_LINKED': 'This account is linked to another WeChat; unlink it first',
  'account.error.WECHAT_UNAVAILABLE': 'WeChat sign-in is unavailable right now; try later or use your phone',
  'account.error.WECHAT_LOGIN_OFF': 'WeChat sign-in is not enabled here',
};

const ACCOUNT_ERRORS = new Set(
  Object.keys(accountZh)
    .filter((k) => k.startsWith('account.error.'))
    .map((k) => k.slice('account.error.'.length)),
);

/** The text key of an account error code (SMS codes, phone change, WeChat), if it has one. */
export function accountErrorKey(code: string): keyof typeof accountZh | null {
  return ACCOUNT_ERRORS.has(code) ? (`account.error.${code}` as keyof typeof accountZh) : null;
}
