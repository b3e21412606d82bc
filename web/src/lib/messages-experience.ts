/**
 * Texts of the checks made before a photo is sent (lib/upload-checks.ts) and of comparing a
 * result with its original (the before/after slider, zoom, the full-size view). Spread into the
 * tables of messages.ts.
 */
export const experienceZh = {
  'upload.limits': '支持 {formats}，单张不超过 {size}、{mp} 百万像素；短边建议不少于 {side} 像素',
  'upload.format': '{name} 不是 {formats} 图片，未上传',
  'upload.tooBig': '{name} 超过 {size}，未上传',
  'upload.tooManyPixels': '{name} 超过 {mp} 百万像素，未上传',
  'upload.unreadable': '{name} 无法读取（文件可能已损坏），未上传',
  'upload.small': '仅 {width}×{height} 像素，短边小于 {side} 像素，生成效果可能模糊',
  'workspace.resultsTitle': '生成结果',
  'workspace.resultsEmpty': '提交后，生成进度和结果会实时显示在这里。',
  'compare.slider': '原图与效果对比',
  'compare.hint': '拖动中间的分隔线，或用 ← → 键对比原图与效果',
  'compare.zoomIn': '放大',
  'compare.zoomOut': '缩小',
  'compare.zoomReset': '还原',
  'compare.zoomLevel': '{p}%',
  'compare.full': '查看大图',
  'lightbox.previous': '上一张',
  'lightbox.next': '下一张',
};

export const experienceEn: Record<keyof typeof experienceZh, string> = {
  'upload.limits': '{formats}, up to {size} and {mp} megapixels each; at least {side} px on the short side is best',
  'upload.format': '{name} is not a {formats} image and was not uploaded',
  'upload.tooBig': '{name} is larger than {size} and was not uploaded',
  'upload.tooManyPixels': '{name} has more than {mp} megapixels and was not uploaded',
  'upload.unreadable': '{name} cannot be read (the file may be damaged) and was not uploaded',
  'upload.small': 'Only {width}×{height} px: under {side} px on the short side, the result may look soft',
  'workspace.resultsTitle': 'Results',
  'workspace.resultsEmpty': 'Once you generate, progress and results appear here live.',
  'compare.slider': 'Original and result compared',
  'compare.hint': 'Drag the divider, or use the ← → keys, to compare the original with the result',
  'compare.zoomIn': 'Zoom in',
  'compare.zoomOut': 'Zoom out',
  'compare.zoomReset': 'Reset',
  'compare.zoomLevel': '{p}%',
  'compare.full': 'View full size',
  'lightbox.previous': 'Previous',
  'lightbox.next': 'Next',
};
