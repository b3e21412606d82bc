/**
 * Texts of the history's filters and bulk actions, and of batches shown again after a reload.
 * Spread into the tables of messages.ts; the English table is typed against the Chinese one.
 */
export const historyZh = {
  'history.tabAll': '全部',
  'history.tabFavorites': '收藏',
  'history.from': '开始日期',
  'history.to': '结束日期',
  'history.search': '按文件名搜索',
  'history.searchGo': '搜索',
  'history.clear': '清除筛选',
  'history.noMatch': '没有符合筛选条件的作品',
  'history.select': '选择',
  'history.selectAll': '全选本页',
  'history.selected': '已选 {n} 项',
  'history.zip': '下载 ZIP',
  'history.delete': '删除',
  'history.deleteConfirm': '确认删除 {n} 项？删除后不再显示在作品中，扣费记录保留。',
  'history.deleteYes': '删除 {n} 项',
  'history.deleted': '已删除 {n} 项',
  'history.cancelSelect': '取消选择',
  'history.zipNone': '所选作品都还没有完成，暂无可下载的图片',
  'history.zipTooMany': '一次最多下载 {max} 项，请少选一些',
  'create.earlierBatch': '最近生成',
} as const;

export const historyEn: Record<keyof typeof historyZh, string> = {
  'history.tabAll': 'All',
  'history.tabFavorites': 'Favourites',
  'history.from': 'From',
  'history.to': 'To',
  'history.search': 'Search by file name',
  'history.searchGo': 'Search',
  'history.clear': 'Clear filters',
  'history.noMatch': 'Nothing matches these filters',
  'history.select': 'Select',
  'history.selectAll': 'Select all shown',
  'history.selected': '{n} selected',
  'history.zip': 'Download ZIP',
  'history.delete': 'Delete',
  'history.deleteConfirm': 'Delete {n} items? They disappear from your images; the credit records stay.',
  'history.deleteYes': 'Delete {n}',
  'history.deleted': '{n} deleted',
  'history.cancelSelect': 'Clear selection',
  'history.zipNone': 'None of the selected images is finished yet: nothing to download',
  'history.zipTooMany': 'At most {max} items per download: select fewer',
  'create.earlierBatch': 'Recent batch',
};
